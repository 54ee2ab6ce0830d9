import { auPoints, createHeatmapCodec, defaultHeatmapSize, geometryFeatures, type HeatmapCodec, type HeatmapCodecSettings, type LandmarkScheme } from '@g2rl/heatmaps';
import { warpAffine } from '@g2rl/face';
import { augmentationAffine, augmentLandmarks, isGeometricIdentity, toUnitFloat, type Augmentation } from './augment.js';

/**
 * One training batch (docs/method.md §1–3), all channels-last Float32Array:
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
  aus: number[];
  /** The heatmap codec's settings (S, H, σ, normalisation, AUs): `createHeatmapCodec(shape.codec)`. */
  codec: Required<HeatmapCodecSettings>;
  scheme: LandmarkScheme;
  /** N landmarks */
  landmarkCount: number;
}

/**
 * The batch shape for S×S crops. The heatmaps follow `codec` (its S and AUs must agree with
 * `size` and `aus`); without one, the default codec of `@g2rl/heatmaps` for S (H = S/4).
 */
export function makeBatchShape(options: {
  size: number; codec?: HeatmapCodec | HeatmapCodecSettings; aus: number[]; scheme: LandmarkScheme; landmarkCount: number;
}): BatchShape {
  const settings = options.codec
    ? ('settings' in options.codec ? options.codec.settings : createHeatmapCodec(options.codec).settings)
    : createHeatmapCodec({ inputSize: options.size, heatmapSize: defaultHeatmapSize(options.size), aus: options.aus }).settings;
  if (settings.inputSize !== options.size) {
    throw new RangeError(`BatchLoader: the codec is for ${settings.inputSize}×${settings.inputSize} crops but size is ${options.size}`);
  }
  if (settings.aus.join(',') !== options.aus.join(',')) {
    throw new RangeError(`BatchLoader: the codec's AUs [${settings.aus.join(', ')}] differ from the loader's aus [${options.aus.join(', ')}]`);
  }
  return {
    size: options.size, heatmapSize: settings.heatmapSize, aus: options.aus, codec: { ...settings, aus: [...settings.aus] },
    scheme: options.scheme, landmarkCount: options.landmarkCount,
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
 * heatmaps with `codec` (made from `shape.codec`) and computes the geometry features.
 * @param crop aligned S×S×3 uint8 pixels; `landmarks` N×2 in crop pixels
 * @param intensities A values in the loader's AU order (NaN = missing)
 */
export function fillSlot(
  batch: TrainingBatch, b: number, shape: BatchShape, codec: HeatmapCodec, id: string,
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
  const { weights } = codec.encode(auPoints(moved, aus, scheme), intensities, batch.heatmaps.subarray(b * h * h * k, (b + 1) * h * h * k));
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
