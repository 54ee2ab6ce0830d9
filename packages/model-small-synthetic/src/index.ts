// @g2rl/model-small-synthetic: where the shipped model's files are, and its card.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The files of the model folder: the tfjs LayersModel (B×128×128×3 → B×32×32×24) and its card. */
export const MODEL_FILES = ['model.json', 'weights.bin', 'model-card.json'] as const;

// dist/index.js (or .cjs, whose import.meta.url tsup shims) sits one folder below the package.
/** Absolute path of the shipped model folder (model.json, weights.bin, model-card.json). */
export const modelDir: string = join(dirname(fileURLToPath(import.meta.url)), '..', 'model');

/** The parsed model-card.json (format 'g2rl-model-card/1': AUs, sizes, training, held-out metrics). */
export function readModelCard(): Record<string, unknown> & { aus: number[]; metrics: Record<string, unknown> } {
  return JSON.parse(readFileSync(join(modelDir, 'model-card.json'), 'utf8'));
}
