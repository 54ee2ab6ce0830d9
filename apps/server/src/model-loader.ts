// Loads an exported g2rl model folder for serving: first the files (model-folder.ts: JSON,
// weight files present and of the declared size), then @g2rl/models' loadInferenceModel,
// which checks the card with @g2rl/models/card's checkModelCard against the network (S, H,
// K = 2A). Every error names the file: tfjs's own (a weight shape that does not fit the
// layers) is prefixed with model.json's path.
import { join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { loadInferenceModel } from '@g2rl/models';
import type { ModelCard } from '@g2rl/models/card';
import { checkModelFolder } from './model-folder.js';
import { missingModelFiles } from './model-files.js';

export { missingModelFiles };

/**
 * Loads `dir/model.json` (B×S×S×3 → B×H×W×K) and `dir/model-card.json`. Throws naming the
 * folder or file and the field when they are missing, broken or disagree.
 */
export async function loadServedModel(dir: string): Promise<{ model: tf.LayersModel; card: ModelCard }> {
  const folder = resolve(dir);
  const missing = missingModelFiles(folder);
  if (missing.length > 0) throw new Error(`${folder}: not a g2rl model folder (missing ${missing.join(', ')})`);
  checkModelFolder(folder);
  const jsonPath = join(folder, 'model.json');
  let loaded: { model: tf.LayersModel; card: ModelCard };
  try {
    loaded = await loadInferenceModel(folder);
  } catch (error) {
    const message = (error as Error).message;
    // Ours and @g2rl/models' errors already name a file of the folder; tfjs's do not.
    throw message.includes(folder) ? error : new Error(`${jsonPath}: the network and its weights do not fit (${message})`);
  }
  const { model, card } = loaded;
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    model.dispose();
    throw new Error(`${jsonPath}: expected one input B×S×S×3 and one output B×H×W×K, got ${model.inputs.length} input(s) and ${model.outputs.length} output(s)`);
  }
  return { model, card };
}
