// The warmed-up pipeline behind createAnalyzer and analyzeVideo: backend, model (a folder,
// a loaded model, or the shipped @g2rl/model-small-synthetic), face detector.
import { initBackend, type BackendPreference } from '@g2rl/backend';
import { createFaceDetector, type DetectorKind } from '@g2rl/face';
import { loadInferenceModel } from '@g2rl/models';
import type { ModelCard } from '@g2rl/models/card';
import type * as tf from '@tensorflow/tfjs';
import { AnalyzerError } from './errors.js';
import { FacePipeline, checkServable } from './pipeline.js';
import { DEFAULT_MIN_QUALITY } from './quality.js';

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

/** The shipped default model's folder (an optional import: the analyzer works without it given `model`). */
export async function defaultModelDir(): Promise<string> {
  try {
    const shipped = (await import('@g2rl/model-small-synthetic')) as { modelDir: string };
    return shipped.modelDir;
  } catch (error) {
    throw new AnalyzerError('invalid-model', `no model given and the default model package @g2rl/model-small-synthetic is not installed (${(error as Error).message}); pass model: <folder>`);
  }
}

/** The warmed-up FacePipeline (model, card, detector) behind createAnalyzer, for callers that drive it frame by frame (video). */
export async function createNodePipeline(options: NodeAnalyzerOptions = {}): Promise<{ pipeline: FacePipeline; backend: string }> {
  // Under pnpm's strict layout @g2rl/backend cannot see our optional native backend: pass it.
  const backend = await initBackend({ prefer: options.backend, quiet: true, loaders: { native: () => import('@g2rl/backend-native') } });
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
  return { pipeline, backend: backend.name };
}
