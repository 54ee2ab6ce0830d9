// Loads an exported g2rl model folder (model.json + weight shards + model-card.json) for
// serving, and checks that the network and its card agree (B×S×S×3 → B×H×W×K, K = 2A).
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { checkModelCard, type ServedModelCard } from './model-card.js';
import { missingModelFiles } from './model-files.js';

export { missingModelFiles };

/** An IOHandler that reads a tfjs Layers model from a folder (works on every backend). */
function folderIO(dir: string): tf.io.IOHandler {
  return {
    async load() {
      const file = join(dir, 'model.json');
      const json = JSON.parse(await readFile(file, 'utf8')) as tf.io.ModelJSON;
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Buffer[] = [];
      for (const group of json.weightsManifest ?? []) {
        specs.push(...group.weights);
        for (const path of group.paths) buffers.push(await readFile(join(dir, path)));
      }
      const weightData = Buffer.concat(buffers);
      return {
        modelTopology: json.modelTopology,
        weightSpecs: specs,
        weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength) as ArrayBuffer,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
      };
    },
  };
}


/**
 * Loads `dir/model.json` and `dir/model-card.json`. Throws naming the file and the field
 * when they are missing or disagree.
 */
export async function loadServedModel(dir: string): Promise<{ model: tf.LayersModel; card: ServedModelCard }> {
  const folder = resolve(dir);
  const missing = missingModelFiles(folder);
  if (missing.length > 0) throw new Error(`${folder}: not a g2rl model folder (missing ${missing.join(', ')})`);
  const cardFile = join(folder, 'model-card.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(cardFile, 'utf8'));
  } catch (error) {
    throw new Error(`${cardFile}: not valid JSON: ${(error as Error).message}`);
  }
  const card = checkModelCard(parsed, cardFile);
  const model = await tf.loadLayersModel(folderIO(folder));
  const input = model.inputs[0]!.shape;
  const output = (Array.isArray(model.outputs) ? model.outputs : [model.outputs])[0]!.shape;
  const S = card.input.size;
  const H = card.heatmap.size;
  const K = 2 * card.aus.length;
  if (model.outputs.length !== 1 || input[1] !== S || input[2] !== S || input[3] !== 3) {
    throw new Error(`${join(folder, 'model.json')}: expected one input B×${S}×${S}×3 and one output (input.size in the card), got input [${input}] and ${model.outputs.length} output(s)`);
  }
  if (output[1] !== H || output[2] !== H || output[3] !== K) {
    throw new Error(`${join(folder, 'model.json')}: output is [${output}], but the card says heatmap.size ${H} and ${card.aus.length} AUs (K = ${K}): expected B×${H}×${H}×${K}`);
  }
  return { model, card };
}
