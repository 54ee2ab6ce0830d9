import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '@g2rl/common/fs';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/**
 * A tfjs IOHandler that saves to and loads from a folder with Node's `fs`, on every
 * backend (tfjs registers `file://` only under tfjs-node). The layout is the standard one
 * (`model.json` + `weights.bin`, paths relative to model.json), so a saved model also
 * loads in a browser with `tf.loadLayersModel('https://…/model.json')`.
 *
 * Saving writes weights.bin, then model.json, each atomically (temp file + rename): a
 * model.json on disk always points at complete weights. Loading reads every weight file
 * named in model.json's manifest (sharded models from the tfjs converter work too).
 *
 * `tf.loadLayersModel(fileSystemIO(dir))`, `model.save(fileSystemIO(dir))`.
 */
export function fileSystemIO(dir: string): tf.io.IOHandler {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new TypeError(`fileSystemIO(dir): expected a folder path, got ${JSON.stringify(dir)}`);
  }
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error('fileSystemIO: binary (GraphDef) topologies are not supported; save a LayersModel');
      }
      await mkdir(dir, { recursive: true });
      const weights = artifacts.weightData == null ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      await writeFileAtomic(join(dir, WEIGHTS_BIN), new Uint8Array(weights));
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig != null) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata != null) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      await writeFileAtomic(join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonPath = join(dir, MODEL_JSON);
      let text: string;
      try {
        text = await readFile(jsonPath, 'utf8');
      } catch (error) {
        throw new Error(`fileSystemIO: cannot read ${jsonPath} (${(error as Error).message}); is ${dir} an exported model folder?`);
      }
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(text) as tf.io.ModelJSON;
      } catch (error) {
        throw new Error(`fileSystemIO: ${jsonPath} is not valid JSON (${(error as Error).message})`);
      }
      if (modelJson?.modelTopology == null) {
        throw new Error(`fileSystemIO: ${jsonPath} has no "modelTopology" field; expected a tfjs LayersModel model.json`);
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          for (const path of group.paths) {
            const file = join(dir, path);
            let bytes: Buffer;
            try {
              bytes = await readFile(file);
            } catch (error) {
              throw new Error(`fileSystemIO: cannot read weight file ${file} named in ${jsonPath} (${(error as Error).message})`);
            }
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
          specs.push(...group.weights);
        }
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}
