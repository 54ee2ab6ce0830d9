// The heatmap codec: one object that knows the crop size S, the heatmap size H, σ and the
// normalisation, and turns AU points + intensities into target heatmaps and back
// (mmpose's codecs are the model: `encode` and `decode` on one object). Training batches,
// evaluation, the analyzer and the server all build it from the same settings (a model
// card or the training config), so encoding and decoding cannot disagree.

import { heatmapToImage, imageToHeatmap } from './coordinates.js';
import { decodeHeatmaps, decodeHeatmapsBatch, type DecodedPoint, type PointValueEstimate } from './decode-heatmaps.js';
import {
  MAX_INTENSITY,
  encodeHeatmaps,
  encodeHeatmapsBatch,
  gaussianPeakFactor,
  resolveShapeOptions,
  type EncodedHeatmaps,
  type HeatmapNormalization,
} from './gaussian-heatmap.js';
import { assertPositiveInteger } from './points.js';

/** Plain data (it can cross `postMessage`): what a codec is made from. */
export interface HeatmapCodecSettings {
  /** S, side of the square input crop in pixels. */
  inputSize: number;
  /** H = W, side of the square heatmap in pixels. */
  heatmapSize: number;
  /** AU numbers in channel order: AU `aus[a]` owns channels 2a and 2a + 1 (K = 2A). */
  aus: readonly number[];
  /** Gaussian σ in heatmap pixels; default `defaultSigma(H)` = 2·H/64. */
  sigma?: number;
  /** `'peak'` (default: the peak equals the intensity) or `'density'` (the paper's 1/(2πσ²)). */
  normalization?: HeatmapNormalization;
  /**
   * Training only: the `L_S` weight `encode` gives a channel whose AU is active (intensity > 0),
   * against 1 for an inactive one (0 stays 0 for a missing label). Default 1 (the plain mean).
   * Most channels of spontaneous or synthetic data are empty, and the plain mean pulls an
   * uncertain peak towards 0 (held-out peaks were 0.1–0.9× the truth on active frames).
   */
  activeWeight?: number;
  /** How `decode` reads a point's value: `'window'` (default) or `'peak'` (see `decodeHeatmaps`). */
  value?: PointValueEstimate;
  /**
   * Per-AU intensity calibration (A factors > 0, channel order; default all 1): `decode`
   * gives `clamp(scale[a] · (mean of AU a's two point values), 0, 5)`. A network trained on
   * the heatmap MSE shrinks its uncertain peaks; factors fitted on validation identities
   * (`g2rl-train calibrate`) give the predictions the truth's spread back.
   */
  scale?: readonly number[];
}

/** The fields of a model card (`model-card.json`) a codec reads. */
export interface HeatmapCardFields {
  aus: readonly number[];
  input: { size: number };
  heatmap: { size: number; sigma: number; normalization?: HeatmapNormalization; scale?: readonly number[] };
}

/** One decoded face: K points in heatmap and in crop pixels, and A intensities. */
export interface DecodedFace {
  /** K points in heatmap pixels; `value` = that point's intensity (peak height / g, not clamped). */
  points: DecodedPoint[];
  /** `Float32Array` K×2: the same points in crop pixels (S×S). */
  cropPoints: Float32Array;
  /** `Float32Array` A: mean of each AU's two point values (× the codec's `scale`), clamped to [0, 5]. */
  intensities: Float32Array;
}

export interface HeatmapCodec {
  readonly inputSize: number;
  readonly heatmapSize: number;
  readonly sigma: number;
  readonly normalization: HeatmapNormalization;
  readonly aus: readonly number[];
  /** K = 2A heatmap channels. */
  readonly channels: number;
  /** The settings, filled in (plain data, e.g. to rebuild the codec in a worker). */
  readonly settings: Required<HeatmapCodecSettings>;
  /**
   * Targets for one face.
   * @param points K×2 AU points in crop pixels (S×S), e.g. `auPoints(landmarks, aus, scheme)`.
   * @param intensities A values in [0, 5], NaN = missing.
   * @param out optional H×H×K buffer to fill (zeroed first).
   * @returns heatmaps H×H×K and weights K (0 missing, `activeWeight` active, 1 inactive).
   */
  encode(points: ArrayLike<number>, intensities: ArrayLike<number>, out?: Float32Array): EncodedHeatmaps;
  /** `encode` for B faces: points B×K×2 (crop px), intensities B×A → heatmaps B×H×H×K, weights B×K. */
  encodeBatch(points: ArrayLike<number>, intensities: ArrayLike<number>, batch: number): EncodedHeatmaps;
  /** Heatmaps H×H×K of one face → points and intensities. */
  decode(heatmaps: ArrayLike<number>): DecodedFace;
  /** Heatmaps B×H×H×K → B decoded faces. */
  decodeBatch(heatmaps: ArrayLike<number>, batch: number): DecodedFace[];
  /** H×H map of AU `a` (max over its two channels) in intensity units, clamped to [0, 5]. */
  intensityImage(heatmaps: ArrayLike<number>, a: number): Float32Array;
}

/** Checks the settings (naming the field) and fills in σ and the normalisation. */
function resolveSettings(settings: HeatmapCodecSettings, where: string): Required<HeatmapCodecSettings> {
  if (settings == null || typeof settings !== 'object') {
    throw new Error(`${where}: settings { inputSize, heatmapSize, aus, sigma?, normalization? } are required, got ${String(settings)}`);
  }
  assertPositiveInteger(settings.inputSize, `${where}: inputSize (S)`);
  assertPositiveInteger(settings.heatmapSize, `${where}: heatmapSize (H)`);
  const { aus } = settings;
  if (!Array.isArray(aus) || aus.length === 0 || !aus.every((au) => Number.isInteger(au) && au > 0)) {
    throw new Error(`${where}: aus must be a non-empty array of AU numbers, got ${JSON.stringify(aus)}`);
  }
  const { sigma, normalization } = resolveShapeOptions(
    { height: settings.heatmapSize, width: settings.heatmapSize, sigma: settings.sigma, normalization: settings.normalization },
    where,
  );
  const activeWeight = settings.activeWeight ?? 1;
  if (typeof activeWeight !== 'number' || !Number.isFinite(activeWeight) || activeWeight <= 0) {
    throw new Error(`${where}: activeWeight must be a positive number, got ${String(activeWeight)}`);
  }
  const value = settings.value ?? 'window';
  if (value !== 'window' && value !== 'peak') throw new Error(`${where}: value must be 'window' or 'peak', got ${JSON.stringify(value)}`);
  const scale = settings.scale === undefined ? aus.map(() => 1) : [...settings.scale];
  if (!Array.isArray(settings.scale ?? []) || scale.length !== aus.length || !scale.every((f) => typeof f === 'number' && Number.isFinite(f) && f > 0)) {
    throw new Error(`${where}: scale must be ${aus.length} positive numbers (one per AU), got ${JSON.stringify(settings.scale)}`);
  }
  return { inputSize: settings.inputSize, heatmapSize: settings.heatmapSize, aus: [...aus], sigma, normalization, activeWeight, value, scale };
}

/**
 * Gives the channels of active AUs (intensity > 0, weight > 0) the weight `activeWeight`, in
 * place. `weights` B×K, `intensities` B×A (K = 2A).
 */
function weightActiveChannels(weights: Float32Array, intensities: ArrayLike<number>, activeWeight: number): Float32Array {
  if (activeWeight === 1) return weights;
  for (let k = 0; k < weights.length; k++) if (weights[k] > 0 && intensities[k >> 1] > 0) weights[k] = activeWeight;
  return weights;
}

/** A codec for S×S crops and H×H heatmaps (see `HeatmapCodec`). */
export function createHeatmapCodec(settings: HeatmapCodecSettings): HeatmapCodec {
  const s = resolveSettings(settings, 'createHeatmapCodec');
  const { inputSize: S, heatmapSize: H, sigma, normalization } = s;
  const A = s.aus.length;
  const K = 2 * A;
  const shape = { height: H, width: H, sigma, normalization };
  const decodeOptions = { ...shape, channels: K, value: s.value };
  const gain = gaussianPeakFactor(normalization, sigma);
  const calibrated = s.scale.some((f) => f !== 1);
  const withCropPoints = (decoded: { points: DecodedPoint[]; intensities: Float32Array }): DecodedFace => {
    const flat = new Float32Array(K * 2);
    decoded.points.forEach((p, k) => { flat[2 * k] = p.x; flat[2 * k + 1] = p.y; });
    if (calibrated) {
      // From the unclamped point values: clamp(f · mean), not f · clamp(mean).
      for (let a = 0; a < A; a++) {
        const mean = (decoded.points[2 * a].value + decoded.points[2 * a + 1].value) / 2;
        decoded.intensities[a] = Math.min(MAX_INTENSITY, Math.max(0, s.scale[a] * mean));
      }
    }
    return { points: decoded.points, cropPoints: heatmapToImage(flat, H, S), intensities: decoded.intensities };
  };
  return {
    inputSize: S, heatmapSize: H, sigma, normalization, aus: s.aus, channels: K, settings: s,
    encode(points, intensities, out) {
      const encoded = encodeHeatmaps(imageToHeatmap(points, S, H), intensities, { ...shape, out });
      weightActiveChannels(encoded.weights, intensities, s.activeWeight);
      return encoded;
    },
    encodeBatch(points, intensities, batch) {
      const encoded = encodeHeatmapsBatch(imageToHeatmap(points, S, H), intensities, { ...shape, batch });
      weightActiveChannels(encoded.weights, intensities, s.activeWeight);
      return encoded;
    },
    decode(heatmaps) {
      return withCropPoints(decodeHeatmaps(heatmaps, decodeOptions));
    },
    decodeBatch(heatmaps, batch) {
      const expected = batch * H * H * K;
      if (heatmaps.length !== expected) {
        throw new Error(`HeatmapCodec.decodeBatch(heatmaps): expected B×H×W×K = ${batch}×${H}×${H}×${K} = ${expected} values, got ${heatmaps.length}`);
      }
      return decodeHeatmapsBatch(heatmaps, decodeOptions).map(withCropPoints);
    },
    intensityImage(heatmaps, a) {
      if (!Number.isInteger(a) || a < 0 || a >= A) throw new Error(`HeatmapCodec.intensityImage: AU index a must be an integer in [0, ${A}), got ${a}`);
      if (heatmaps.length !== H * H * K) throw new Error(`HeatmapCodec.intensityImage(heatmaps): expected H×W×K = ${H}×${H}×${K} values, got ${heatmaps.length}`);
      const image = new Float32Array(H * H);
      for (let p = 0; p < H * H; p++) {
        const v = Math.max(heatmaps[p * K + 2 * a]!, heatmaps[p * K + 2 * a + 1]!) / gain;
        image[p] = Math.min(MAX_INTENSITY, Math.max(0, v));
      }
      return image;
    },
  };
}

/** The codec a model was trained with, from its model card (`aus`, `input.size`, `heatmap`). */
export function codecFromCard(card: HeatmapCardFields): HeatmapCodec {
  if (card == null || typeof card !== 'object' || card.input == null || card.heatmap == null) {
    throw new Error(`codecFromCard: the card needs fields aus, input.size and heatmap { size, sigma, normalization }, got ${JSON.stringify(card)}`);
  }
  return createHeatmapCodec({
    inputSize: card.input.size,
    heatmapSize: card.heatmap.size,
    aus: card.aus,
    sigma: card.heatmap.sigma,
    normalization: card.heatmap.normalization ?? 'peak',
    ...(card.heatmap.scale !== undefined ? { scale: card.heatmap.scale } : {}),
  });
}

/** H for an S×S crop when nothing else says: S/4 (the backbones' output stride). */
export function defaultHeatmapSize(inputSize: number): number {
  return inputSize / 4;
}
