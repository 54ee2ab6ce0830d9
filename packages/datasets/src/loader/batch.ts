import { auPoints, defaultSigma, encodeHeatmaps, geometryFeatures, imageToHeatmap, type HeatmapNormalization, type LandmarkScheme } from '@g2rl/heatmaps';
import { warpAffine } from '@g2rl/face';
import { augmentationAffine, augmentLandmarks, isGeometricIdentity, toUnitFloat, type Augmentation } from './augment.js';

/**
 * One training batch (METHOD.md §1–3), all channels-last Float32Array:
 * - `images` B×S×S×3, RGB in [0, 1];
 * - `heatmaps` B×H×W×K target heatmaps (K = 2A), `weights` B×K (0 where the label is missing);
 * - `geometry` B×N×2, the GCN's F⁰ (`geometryFeatures` of the aligned, augmented landmarks);
 * - `intensities` B×A (NaN = missing label); `landmarks` B×N×2 in crop pixels;
 * - `ids` the B sample ids; `batchSize` B (the last batch of an epoch may be smaller).
 */
export interface TrainingBatch {
  images: Float32Array;
  heatmaps: Float32Array;
  weights: Float32Array;
  geometry: Float32Array;
  intensities: Float32Array;
  landmarks: Float32Array;
  ids: string[];
  batchSize: number;
}

/** The shapes a loader produces; plain data so it can be posted to a worker. */
export interface BatchShape {
  /** S */
  size: number;
  /** H = W */
  heatmapSize: number;
  sigma: number;
  normalization: HeatmapNormalization;
  aus: number[];
  scheme: LandmarkScheme;
  /** N landmarks */
  landmarkCount: number;
}

export function makeBatchShape(options: {
  size: number; heatmapSize?: number; sigma?: number; normalization?: HeatmapNormalization;
  aus: number[]; scheme: LandmarkScheme; landmarkCount: number;
}): BatchShape {
  const heatmapSize = options.heatmapSize ?? options.size / 4;
  if (!Number.isInteger(heatmapSize) || heatmapSize <= 0) {
    throw new RangeError(`BatchLoader: heatmapSize must be a positive integer (default size/4), got ${heatmapSize}`);
  }
  return {
    size: options.size, heatmapSize, sigma: options.sigma ?? defaultSigma(heatmapSize),
    normalization: options.normalization ?? 'peak', aus: options.aus, scheme: options.scheme, landmarkCount: options.landmarkCount,
  };
}

export function allocateBatch(b: number, shape: BatchShape): TrainingBatch {
  const { size: s, heatmapSize: h, aus, landmarkCount: n } = shape;
  const k = 2 * aus.length;
  return {
    images: new Float32Array(b * s * s * 3), heatmaps: new Float32Array(b * h * h * k), weights: new Float32Array(b * k),
    geometry: new Float32Array(b * n * 2), intensities: new Float32Array(b * aus.length), landmarks: new Float32Array(b * n * 2),
    ids: new Array(b), batchSize: b,
  };
}

/**
 * Fills slot `b` of `batch` from an aligned crop: augments it, encodes AU points as
 * heatmaps and computes the geometry features.
 * @param crop aligned S×S×3 uint8 pixels; `landmarks` N×2 in crop pixels
 * @param intensities A values in the loader's AU order (NaN = missing)
 */
export function fillSlot(
  batch: TrainingBatch, b: number, shape: BatchShape, id: string,
  crop: Uint8Array, landmarks: Float32Array, intensities: ArrayLike<number>, augmentation: Augmentation,
): void {
  const { size: s, heatmapSize: h, aus, scheme, landmarkCount: n } = shape;
  const k = 2 * aus.length;
  const pixels = isGeometricIdentity(augmentation)
    ? crop
    : warpAffine({ data: crop, width: s, height: s, channels: 3 }, augmentationAffine(augmentation, s), s, { border: 'replicate' }).data;
  const moved = isGeometricIdentity(augmentation) ? landmarks : augmentLandmarks(landmarks, augmentation, s, scheme);
  for (let i = 0; i < moved.length; i++) {
    if (!Number.isFinite(moved[i])) throw new Error(`BatchLoader: sample ${id} has a non-finite landmark (${i >> 1}) after alignment`);
  }
  toUnitFloat(pixels, batch.images.subarray(b * s * s * 3, (b + 1) * s * s * 3), augmentation.brightness, augmentation.contrast);
  const points = imageToHeatmap(auPoints(moved, aus, scheme), s, h);
  const { weights } = encodeHeatmaps(points, intensities, {
    height: h, width: h, sigma: shape.sigma, normalization: shape.normalization,
    out: batch.heatmaps.subarray(b * h * h * k, (b + 1) * h * h * k),
  });
  batch.weights.set(weights, b * k);
  const geometry = geometryFeatures(moved, scheme);
  for (let i = 0; i < geometry.length; i++) {
    if (!Number.isFinite(geometry[i])) throw new Error(`BatchLoader: sample ${id} gives non-finite geometry features (eyes coincide?)`);
  }
  batch.geometry.set(geometry, b * n * 2);
  batch.landmarks.set(moved, b * n * 2);
  batch.intensities.set(intensities, b * aus.length);
  batch.ids[b] = id;
}
