// Loads BlazeFace's weights from the installed @vladmandic/human (an optional dependency:
// its models/ folder holds MediaPipe's 256×256 short-range model as a tfjs graph model).
// Read from disk: nothing is ever fetched.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { blazefaceAnchors, type BlazefaceModel } from './blazeface.js';

const localRequire = createRequire(import.meta.url);

/** Path of blazeface.json inside the installed @vladmandic/human; throws saying how to install it. */
export function blazefaceModelFile(): string {
  try {
    // (its exports map has no ./package.json: resolve the Node entry, dist/human.node.js, without loading it)
    return join(dirname(localRequire.resolve('@vladmandic/human')), '..', 'models', 'blazeface.json');
  } catch {
    throw new Error("detector 'blazeface' needs the optional dependency @vladmandic/human (its models/blazeface.json): npm install @vladmandic/human, or use detector 'ssd' or 'tiny'");
  }
}

interface GraphModelJson {
  modelTopology: object;
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** BlazeFace as a tfjs GraphModel on the active backend, with its anchors. */
export async function loadBlazefaceModel(file = blazefaceModelFile()): Promise<BlazefaceModel> {
  let json: GraphModelJson;
  let weightData: ArrayBuffer;
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as GraphModelJson;
    const shards = await Promise.all(json.weightsManifest.flatMap((group) => group.paths.map((p) => readFile(join(dirname(file), p)))));
    const all = Buffer.concat(shards);
    weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.length) as ArrayBuffer;
  } catch (error) {
    throw new Error(`loadBlazefaceModel: cannot read ${file} and its weights: ${(error as Error).message}`);
  }
  const model = await tf.loadGraphModel(tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
    weightData,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
  }));
  return { tf, model, anchors: blazefaceAnchors() };
}
