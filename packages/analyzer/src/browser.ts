// @g2rl/analyzer in a browser: no Node module. Inputs are ImageData, <img>, <video>,
// <canvas>, ImageBitmap or an RgbImage; the model and face-api's weights load from URLs the
// application serves itself (never a CDN); the backend is whatever tfjs has active
// (webgl, or wasm with its binaries served locally: set it up before createAnalyzer).
import * as tf from '@tensorflow/tfjs';
import { createBrowserFaceDetector, type RgbImage } from '@g2rl/face/browser';
import { checkModelCard, type ModelCard } from '@g2rl/models/card';
import { foldBatchNorms } from '@g2rl/models/fold';
import { makeAnalyzer, type Analyzer } from './analyzer.js';
import { AnalyzerError } from './errors.js';
import { FacePipeline, checkServable } from './pipeline.js';
import { DEFAULT_MIN_QUALITY } from './quality.js';

export * from './types.js';
export * from './errors.js';
export type { Analyzer } from './analyzer.js';
export { FacePipeline } from './pipeline.js';
// The video path's pure parts (tracking, rows, calibration): the live page runs them in the tab.
export { VideoAnalysis, DEFAULT_DETECT_EVERY, type AnalyzedFrame, type InputFrame, type VideoAnalysisOptions } from './video/video-analysis.js';
export { FaceTracker, type TrackedFace, type TrackerOptions, type TrackerFaceSource } from './video/tracker.js';
export { videoCsvHeader, videoCsvLine, parseVideoCsvLine, type VideoRow } from './video/openface-csv.js';
export { CALIBRATION_MODES, CALIBRATION_PERCENTILE, calibrateSeries, percentile, type CalibrationMode } from './video/calibration.js';
export { smoothSeries } from './video/smoothing.js';
export { SeriesAdjustment, adjustRows, type AdjustmentOptions } from './video/series-adjustment.js';
export { DEFAULT_CALIBRATION, DEFAULT_SMOOTH } from './video/defaults.js';
export { DEFAULT_MIN_QUALITY, QUALITY_SHIFT, faceQuality, shiftConsistency, templateFit, templateResidual } from './quality.js';

/** A browser input. */
export type BrowserInput = ImageData | HTMLImageElement | HTMLVideoElement | HTMLCanvasElement | ImageBitmap | OffscreenCanvas | RgbImage;

export interface BrowserAnalyzerOptions {
  /** URL of the model folder (model.json, weights.bin, model-card.json), or a loaded model and card. */
  model: string | { model: tf.LayersModel; card: ModelCard };
  /** URL of the folder with face-api's weight manifests; required unless `detector: false`. */
  faceApiUrl?: string;
  /** 'blazeface' (its graph model at `blazefaceUrl`, default `<faceApiUrl>/blazeface.json`), 'ssd' or 'tiny'; default 'ssd'. */
  detector?: 'ssd' | 'tiny' | 'blazeface' | false;
  blazefaceUrl?: string;
  /** The Tiny detector's input size (a multiple of 32; default 416): smaller is faster, finds fewer small faces. */
  tinyInputSize?: number;
  minConfidence?: number;
  minQuality?: number;
  maxFaces?: number;
  maxModelBatch?: number;
}

/** Loads the model and the detector from their URLs on the active tfjs backend. */
export async function createAnalyzer(options: BrowserAnalyzerOptions): Promise<Analyzer<BrowserInput>> {
  const { pipeline, backend } = await createBrowserPipeline(options);
  return makeAnalyzer(pipeline, async (input: BrowserInput) => toRgbImage(input), backend);
}

/** The warmed-up FacePipeline behind createAnalyzer, for callers that drive it frame by frame (the live page). */
export async function createBrowserPipeline(options: BrowserAnalyzerOptions): Promise<{ pipeline: FacePipeline; backend: string }> {
  await tf.ready();
  let loaded: { model: tf.LayersModel; card: ModelCard };
  let where: string;
  if (typeof options.model === 'string') {
    const base = options.model.replace(/\/+$/, '');
    where = `${base}/model-card.json`;
    const response = await fetch(where);
    if (!response.ok) throw new AnalyzerError('invalid-model', `${where}: HTTP ${response.status}`);
    const card = checkModelCard(await response.json(), where);
    // batch norms folded into the convolutions, as Node's loadInferenceModel does
    const saved = await tf.loadLayersModel(`${base}/model.json`);
    try {
      loaded = { model: foldBatchNorms(saved), card };
    } finally {
      saved.dispose();
    }
  } else {
    loaded = options.model;
    where = 'model card';
  }
  checkServable(loaded.card, where);
  let detector = null;
  if (options.detector !== false) {
    if (!options.faceApiUrl) throw new AnalyzerError('invalid-option', 'faceApiUrl (the folder of face-api weights) is required unless detector: false');
    detector = await createBrowserFaceDetector({
      modelUrl: options.faceApiUrl, detector: options.detector ?? 'ssd', minConfidence: options.minConfidence ?? 0.5, maxFaces: 32,
      ...(options.tinyInputSize !== undefined ? { tinyInputSize: options.tinyInputSize } : {}),
      ...(options.blazefaceUrl !== undefined ? { blazefaceUrl: options.blazefaceUrl } : {}),
    });
  }
  const pipeline = new FacePipeline(loaded.model, loaded.card, detector, {
    maxModelBatch: options.maxModelBatch ?? 32,
    minQuality: options.minQuality ?? DEFAULT_MIN_QUALITY,
    maxFaces: options.maxFaces ?? 10,
  });
  pipeline.warmUp();
  return { pipeline, backend: tf.getBackend() };
}

/** Any browser image source → RgbImage (drawn once into a canvas when it is not pixels already). */
export function toRgbImage(input: BrowserInput): RgbImage {
  if (isRgbImage(input)) return input;
  let pixels: ImageData;
  if (typeof ImageData !== 'undefined' && input instanceof ImageData) {
    pixels = input;
  } else {
    const source = input as Exclude<BrowserInput, ImageData | RgbImage>;
    const width = 'videoWidth' in source ? source.videoWidth : 'naturalWidth' in source ? source.naturalWidth : source.width;
    const height = 'videoHeight' in source ? source.videoHeight : 'naturalHeight' in source ? source.naturalHeight : source.height;
    if (!width || !height) throw new AnalyzerError('invalid-image', `the ${source.constructor?.name ?? 'image'} input has no pixels yet (${width}×${height}); wait for it to load`);
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new AnalyzerError('invalid-image', 'no 2D canvas context to read the image');
    context.drawImage(source as CanvasImageSource, 0, 0, width, height);
    pixels = context.getImageData(0, 0, width, height);
  }
  return rgbaToRgb(pixels.data, pixels.width, pixels.height);
}

/** RGBA bytes (canvas ImageData) → an RgbImage (the alpha dropped). */
export function rgbaToRgb(data: Uint8ClampedArray | Uint8Array, width: number, height: number): RgbImage {
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0, q = 0; p < width * height; p++, q += 4) {
    rgb[3 * p] = data[q]!;
    rgb[3 * p + 1] = data[q + 1]!;
    rgb[3 * p + 2] = data[q + 2]!;
  }
  return { data: rgb, width, height, channels: 3 };
}

function isRgbImage(input: unknown): input is RgbImage {
  return typeof input === 'object' && input !== null && (input as RgbImage).channels === 3 && (input as RgbImage).data instanceof Uint8Array;
}

// The live page's parts, for an application that builds its own page around them.
export { LiveSession, sessionCsv, type LiveFrame, type LiveSessionOptions, type StageTimes } from './web/live-session.js';
