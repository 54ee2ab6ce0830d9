// Loads an exported g2rl model folder for serving with @g2rl/models' loadInferenceModel
// (model.json + weights + model-card.json, card checked against the network: S, H, K = 2A),
// then reads the card as serving needs it (checkModelCard fills defaults, names fields).
import { join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { loadInferenceModel } from '@g2rl/models';
import { checkModelCard, type ServedModelCard } from './model-card.js';
import { missingModelFiles } from './model-files.js';

export { missingModelFiles };

/**
 * Loads `dir/model.json` (B×S×S×3 → B×H×W×K) and `dir/model-card.json`. Throws naming the
 * folder, file and field when they are missing or disagree.
 */
export async function loadServedModel(dir: string): Promise<{ model: tf.LayersModel; card: ServedModelCard }> {
  const folder = resolve(dir);
  const missing = missingModelFiles(folder);
  if (missing.length > 0) throw new Error(`${folder}: not a g2rl model folder (missing ${missing.join(', ')})`);
  const { model, card } = await loadInferenceModel(folder);
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    model.dispose();
    throw new Error(`${join(folder, 'model.json')}: expected one input B×S×S×3 and one output B×H×W×K, got ${model.inputs.length} input(s) and ${model.outputs.length} output(s)`);
  }
  try {
    return { model, card: checkModelCard(card, join(folder, 'model-card.json')) };
  } catch (error) {
    model.dispose();
    throw error;
  }
}
