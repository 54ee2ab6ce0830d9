import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { HEATMAPS_OUTPUT } from '../backbone/create-backbone.js';
import { writeFileAtomic } from '@g2rl/common/fs';
import { fileSystemIO } from './file-system-io.js';
import { plainBatchNorms } from './plain-batch-norms.js';
import { foldBatchNorms } from './fold-batch-norms.js';
import { type ModelCard, checkModelCard } from './model-card.js';

export const MODEL_CARD_JSON = 'model-card.json';

/** Version of this package, written into model cards. */
export const MODELS_VERSION = '0.1.0';

/**
 * The inference part of a backbone: its input → the heatmaps output only (`B×S×S×3 →
 * B×H×W×K`). Shares the backbone's layers (no copy). Built-in tfjs layers only.
 */
export function inferenceModelOf(backbone: tf.LayersModel): tf.LayersModel {
  const heatmaps = backbone.outputs.find((o) => o.sourceLayer.name === HEATMAPS_OUTPUT) ?? backbone.outputs[backbone.outputs.length - 1];
  return tf.model({ inputs: backbone.inputs, outputs: heatmaps, name: 'g2rl_inference' });
}

/** Card fields that `exportInferenceModel` fills in when absent. */
export type ModelCardInput = Omit<ModelCard, 'format' | 'versions' | 'metrics' | 'training'> &
  Partial<Pick<ModelCard, 'format' | 'versions' | 'metrics' | 'training'>>;

/**
 * Writes the inference model of `backbone` (input → heatmaps; no geometry encoder, no W) to
 * `dir` as a standard tfjs LayersModel (`model.json` + `weights.bin`) and `model-card.json`
 * beside it, each file atomically. The card is checked against the model (S, H, K = 2A).
 *
 * The folder loads with plain `tf.loadLayersModel(fileSystemIO(dir))` in Node or
 * `tf.loadLayersModel(url + '/model.json')` in a browser, with no g2rl code.
 *
 * @param backbone a model from `createBackbone` (or any model whose last output is B×H×W×K)
 * @returns the card as written
 */
export async function exportInferenceModel(backbone: tf.LayersModel, dir: string, card: ModelCardInput): Promise<ModelCard> {
  const model = inferenceModelOf(backbone);
  const [, inputSize] = model.inputs[0].shape as number[];
  const [, heatmapSize, , channels] = model.outputs[0].shape as number[];
  const full = checkModelCard(
    {
      format: 'g2rl-model-card/1',
      training: {},
      metrics: {},
      ...card,
      versions: { '@g2rl/models': MODELS_VERSION, '@tensorflow/tfjs': tf.version_core, ...card?.versions },
    },
    'exportInferenceModel(card)',
    { inputSize, heatmapSize, channels },
  );
  // Fused training layers become the built-in layers they equal (plain-batch-norms.ts).
  const files = fileSystemIO(dir);
  await model.save({ save: (artifacts) => files.save!({ ...artifacts, modelTopology: plainBatchNorms(artifacts.modelTopology) }) });
  await writeFileAtomic(join(dir, MODEL_CARD_JSON), `${JSON.stringify(full, null, 2)}\n`);
  return full;
}

/** Options of {@link loadInferenceModel}. */
export interface LoadInferenceModelOptions {
  /**
   * Merge each convolution's batch norm (and the ReLU after it) into the convolution
   * ({@link foldBatchNorms}): the same function to float32 rounding, ~20 % faster at batch 1.
   * Default true; false returns the model exactly as saved.
   */
  foldBatchNorms?: boolean;
}

/**
 * Loads a folder written by {@link exportInferenceModel}: the model (`B×S×S×3 → B×H×W×K`),
 * its batch norms folded into the convolutions unless told otherwise, and its checked card.
 */
export async function loadInferenceModel(dir: string, options: LoadInferenceModelOptions = {}): Promise<{ model: tf.LayersModel; card: ModelCard }> {
  const cardPath = join(dir, MODEL_CARD_JSON);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(cardPath, 'utf8'));
  } catch (error) {
    throw new Error(`loadInferenceModel: cannot read ${cardPath} (${(error as Error).message})`);
  }
  let model = await tf.loadLayersModel(fileSystemIO(dir));
  if (options.foldBatchNorms ?? true) {
    try {
      const folded = foldBatchNorms(model);
      model.dispose();
      model = folded;
    } catch (error) {
      model.dispose();
      throw new Error(`loadInferenceModel: ${join(dir, 'model.json')}: ${(error as Error).message}`);
    }
  }
  const [, inputSize] = model.inputs[0].shape as number[];
  const [, heatmapSize, , channels] = model.outputs[0].shape as number[];
  let card: ModelCard;
  try {
    card = checkModelCard(parsed, cardPath, { inputSize, heatmapSize, channels });
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, card };
}
