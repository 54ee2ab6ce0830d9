import { LANDMARK_SCHEMES, type LandmarkScheme } from '@g2rl/heatmaps';

export type { LandmarkScheme };

/**
 * `model-card.json`, written beside an exported model (ARCHITECTURE.md): everything a
 * user of the model needs to feed it and read its heatmaps, and where it came from.
 */
export interface ModelCard {
  format: 'g2rl-model-card/1';
  /** backbone preset ('small', 'paper', or a custom config's name) */
  preset: string;
  /** AU numbers in heatmap-channel order: AU `aus[a]` owns channels 2a and 2a + 1 */
  aus: number[];
  /** landmark scheme the AU points were defined on */
  scheme: LandmarkScheme;
  /** input: S×S RGB crop, values in [0, 1] */
  input: { size: number; range: [0, 1] };
  /** heatmaps: H×H, σ in heatmap pixels, 'peak' or 'density' (docs/method.md §2) */
  heatmap: { size: number; sigma: number; normalization: 'peak' | 'density' };
  /** face alignment used for the crops (template name and crop size) */
  alignment: { template: string; size: number };
  /** training data and settings (data set, folds, epochs, λ, seed, …) */
  training: Record<string, unknown>;
  /** evaluation figures (ICC, MAE, … per AU and on average) */
  metrics: Record<string, unknown>;
  /** package versions that made the model; filled in by `exportInferenceModel` if left out */
  versions: Record<string, string>;
}

const SCHEMES = Object.keys(LANDMARK_SCHEMES) as LandmarkScheme[];

/**
 * Checks a card's fields and, when `shapes` are given, that they agree with the model
 * (`S`, `H`, `K = 2A`). Throws naming the file (or 'card') and the field.
 */
export function checkModelCard(card: unknown, where = 'card', shapes?: { inputSize: number; heatmapSize: number; channels: number }): ModelCard {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new Error(`${where}: field "${field}" must be ${expected}, got ${JSON.stringify(got)}`);
  };
  if (typeof card !== 'object' || card === null || Array.isArray(card)) fail('(root)', 'an object', card);
  const c = card as Record<string, any>;
  if (c.format !== 'g2rl-model-card/1') fail('format', '"g2rl-model-card/1"', c.format);
  if (typeof c.preset !== 'string' || c.preset === '') fail('preset', 'a preset name', c.preset);
  if (!Array.isArray(c.aus) || c.aus.length === 0 || !c.aus.every((a: unknown) => Number.isInteger(a) && (a as number) > 0)) {
    fail('aus', 'a non-empty array of AU numbers', c.aus);
  }
  if (!SCHEMES.includes(c.scheme)) fail('scheme', `one of ${SCHEMES.map((s) => `'${s}'`).join(', ')}`, c.scheme);
  if (!Number.isInteger(c.input?.size) || c.input.size <= 0) fail('input.size', 'a positive integer S', c.input?.size);
  if (!Array.isArray(c.input.range) || c.input.range[0] !== 0 || c.input.range[1] !== 1) fail('input.range', '[0, 1]', c.input.range);
  if (!Number.isInteger(c.heatmap?.size) || c.heatmap.size <= 0) fail('heatmap.size', 'a positive integer H', c.heatmap?.size);
  if (!(typeof c.heatmap.sigma === 'number' && c.heatmap.sigma > 0)) fail('heatmap.sigma', 'a positive number', c.heatmap.sigma);
  if (c.heatmap.normalization !== 'peak' && c.heatmap.normalization !== 'density') {
    fail('heatmap.normalization', "'peak' or 'density'", c.heatmap.normalization);
  }
  if (typeof c.alignment?.template !== 'string' || !Number.isInteger(c.alignment?.size)) {
    fail('alignment', '{ template: string, size: integer }', c.alignment);
  }
  for (const field of ['training', 'metrics', 'versions']) {
    if (typeof c[field] !== 'object' || c[field] === null || Array.isArray(c[field])) fail(field, 'an object', c[field]);
  }
  if (shapes) {
    if (c.input.size !== shapes.inputSize) fail('input.size', `${shapes.inputSize} (the model's input side)`, c.input.size);
    if (c.heatmap.size !== shapes.heatmapSize) fail('heatmap.size', `${shapes.heatmapSize} (the model's heatmap side)`, c.heatmap.size);
    if (2 * c.aus.length !== shapes.channels) {
      fail('aus', `${shapes.channels / 2} AUs (the model has K = ${shapes.channels} heatmap channels = 2A)`, c.aus);
    }
  }
  return c as ModelCard;
}
