// @g2rl/analyzer for Node: inputs are file paths, encoded bytes (JPEG, PNG, WebP, … through
// sharp) or RgbImages; the model is a folder, a loaded model, or by default the shipped
// @g2rl/model-small-synthetic; the backend is the fastest initBackend finds.
import { readFile } from 'node:fs/promises';
import { initBackend, type BackendPreference } from '@g2rl/backend';
import { createFaceDetector, decodeImage, type DetectorKind, type RgbImage } from '@g2rl/face';
import { loadInferenceModel } from '@g2rl/models';
import type { ModelCard } from '@g2rl/models/card';
import sharp from 'sharp';
import type * as tf from '@tensorflow/tfjs';
import { makeAnalyzer, type Analyzer } from './analyzer.js';
import { AnalyzerError } from './errors.js';
import { FacePipeline, checkServable } from './pipeline.js';
import { DEFAULT_MIN_QUALITY } from './quality.js';

export * from './types.js';
export * from './errors.js';
export type { Analyzer } from './analyzer.js';
export { DEFAULT_MIN_QUALITY, QUALITY_SHIFT, faceQuality, shiftConsistency, templateFit, templateResidual } from './quality.js';

/** A Node input: a file path, encoded image bytes, or a decoded RgbImage. */
export type NodeInput = string | Uint8Array | RgbImage;

export interface NodeAnalyzerOptions {
  /** A model folder (model.json, weights.bin, model-card.json) or a loaded one; default @g2rl/model-small-synthetic. */
  model?: string | { model: tf.LayersModel; card: ModelCard };
  /** Face detector ('ssd', 'tiny', 'blazeface'; default @g2rl/face's DEFAULT_DETECTOR), or `false` for landmarks/aligned input only. */
  detector?: DetectorKind | false;
  /** Detector score threshold in (0, 1); default 0.5. */
  minConfidence?: number;
  /** Faces below this quality are dropped as not-a-face; default DEFAULT_MIN_QUALITY. */
  minQuality?: number;
  /** Default for AnalyzeOptions.maxFaces (10). */
  maxFaces?: number;
  /** tfjs backend ('auto' = fastest available: native when @g2rl/backend-native is installed); env G2RL_BACKEND. */
  backend?: BackendPreference;
  /** Refuse images with more pixels than this, before decoding (default 50 M). */
  maxPixels?: number;
  /** At most this many crops per model call (default 32). */
  maxModelBatch?: number;
}

/** Longest side accepted: a 20 000×1 strip is few pixels but absurd for face detection. */
export const MAX_SIDE = 16_384;
export const DEFAULT_MAX_PIXELS = 50_000_000;

/** The shipped default model's folder (an optional import: the analyzer works without it given `model`). */
export async function defaultModelDir(): Promise<string> {
  try {
    const shipped = (await import('@g2rl/model-small-synthetic')) as { modelDir: string };
    return shipped.modelDir;
  } catch (error) {
    throw new AnalyzerError('invalid-model', `no model given and the default model package @g2rl/model-small-synthetic is not installed (${(error as Error).message}); pass model: <folder>`);
  }
}

/** Loads the model, the detector and the backend; the Analyzer is ready for its first image. */
export async function createAnalyzer(options: NodeAnalyzerOptions = {}): Promise<Analyzer<NodeInput>> {
  // pnpm's strict layout hides our optional @g2rl/backend-native from @g2rl/backend: import it here.
  const backend = await initBackend({ prefer: options.backend, quiet: true, loaders: { native: () => import('@g2rl/backend-native') } });
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  let loaded: { model: tf.LayersModel; card: ModelCard };
  let where: string;
  if (typeof options.model === 'object' && options.model !== null) {
    loaded = options.model;
    where = 'model card';
  } else {
    const dir = options.model ?? (await defaultModelDir());
    where = `${dir}/model-card.json`;
    try {
      loaded = await loadInferenceModel(dir);
    } catch (error) {
      throw new AnalyzerError('invalid-model', `cannot load the model in ${dir}: ${(error as Error).message}`);
    }
  }
  try {
    checkServable(loaded.card, where);
  } catch (error) {
    if (typeof options.model !== 'object') loaded.model.dispose();
    throw error;
  }
  const detector = options.detector === false
    ? null
    : await createFaceDetector({ detector: options.detector, minConfidence: options.minConfidence ?? 0.5, maxFaces: 32 });
  const pipeline = new FacePipeline(loaded.model, loaded.card, detector, {
    maxModelBatch: options.maxModelBatch ?? 32,
    minQuality: options.minQuality ?? DEFAULT_MIN_QUALITY,
    maxFaces: options.maxFaces ?? 10,
  });
  pipeline.warmUp();
  return makeAnalyzer(pipeline, (input: NodeInput) => decodeNodeInput(input, maxPixels), backend.name);
}

/** A path, bytes or RgbImage → RgbImage; size limits checked from the header before decoding. */
export async function decodeNodeInput(input: NodeInput, maxPixels = DEFAULT_MAX_PIXELS): Promise<RgbImage> {
  if (typeof input === 'object' && input !== null && !(input instanceof Uint8Array)) {
    const { data, width, height, channels } = input;
    if (!(data instanceof Uint8Array) || channels !== 3 || data.length !== width * height * 3) {
      throw new AnalyzerError('invalid-image', `RgbImage input: expected { data: Uint8Array(width·height·3), width, height, channels: 3 }, got ${width}×${height}×${channels} with ${data?.length} bytes`);
    }
    return input;
  }
  const name = typeof input === 'string' ? input : 'image bytes';
  let bytes: Uint8Array;
  try {
    bytes = typeof input === 'string' ? await readFile(input) : input;
  } catch (error) {
    throw new AnalyzerError('invalid-image', `${name}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new AnalyzerError('invalid-image', `${name}: not an image sharp can read (${(error as Error).message})`);
  }
  const { width = 0, height = 0 } = meta;
  if (width > MAX_SIDE || height > MAX_SIDE) throw new AnalyzerError('image-too-large', `${name}: the image is ${width}×${height}; each side must be at most ${MAX_SIDE} pixels`);
  if (width * height > maxPixels) throw new AnalyzerError('image-too-large', `${name}: the image is ${width}×${height} = ${width * height} pixels; the limit is ${maxPixels}`);
  try {
    return await decodeImage(bytes, { maxPixels });
  } catch (error) {
    throw new AnalyzerError('invalid-image', `${name}: ${(error as Error).message.replace(/^decodeImage\(buffer\): /, '')}`);
  }
}

export { auColumn, csvHeader, csvRow, csvField } from './csv.js';
