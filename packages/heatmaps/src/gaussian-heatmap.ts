// The heatmap encoder (docs/method.md §2): one Gaussian per AU point, scaled by its AU's
// intensity. It runs in the data loader's hot path, so it writes straight into one
// Float32Array and evaluates the Gaussian only inside a window of ±4σ around the point,
// as the product of two 1-D Gaussians (exp(−(dx²+dy²)/2σ²) = exp(−dx²/2σ²)·exp(−dy²/2σ²)).
// Beyond 4σ the Gaussian is below e⁻⁸ ≈ 3.4e-4 of its peak, so the cut changes no
// decoded value and no loss noticeably; outside the window the target is exactly 0.

import { defaultSigma } from './coordinates.js';
import { assertLength, assertPositiveInteger, assertPositiveNumber, toFlatPoints, type PointsInput } from './points.js';

export type HeatmapNormalization = 'peak' | 'density';

/** Size and shape of the Gaussians, shared by the encoder and the decoder. */
export interface HeatmapShapeOptions {
  /** H, heatmap rows. */
  height: number;
  /** W, heatmap columns. */
  width: number;
  /** Gaussian σ in heatmap pixels; default `defaultSigma(height)` = 2·H/64. */
  sigma?: number;
  /** `'peak'` (default): g = 1, the peak equals the intensity; `'density'`: g = 1/(2πσ²) (the paper). */
  normalization?: HeatmapNormalization;
}

export interface EncodeHeatmapsOptions extends HeatmapShapeOptions {
  /** Optional output buffer H×W×K to reuse (it is zeroed first); a new one otherwise. */
  out?: Float32Array;
}

export interface EncodedHeatmaps {
  /** `Float32Array` H×W×K, channels last: value of channel k at (row i, col j) is `[(i·W + j)·K + k]`. */
  heatmaps: Float32Array;
  /** `Float32Array` K: 1 where the channel is a valid target, 0 where its intensity is missing (NaN). */
  weights: Float32Array;
}

/** How far from the point the Gaussian is evaluated, in σ (see the file comment). */
export const GAUSSIAN_WINDOW_SIGMAS = 4;

/** The largest intensity FACS defines (E = 5). */
export const MAX_INTENSITY = 5;

/** g of docs/method.md §2: the factor between the intensity and the Gaussian's peak height. */
export function gaussianPeakFactor(normalization: HeatmapNormalization, sigma: number): number {
  return normalization === 'density' ? 1 / (2 * Math.PI * sigma * sigma) : 1;
}

/** Checks and fills in the shared options; `where` names the caller for errors. */
export function resolveShapeOptions(
  options: HeatmapShapeOptions,
  where: string,
): { height: number; width: number; sigma: number; normalization: HeatmapNormalization } {
  if (options == null || typeof options !== 'object') {
    throw new Error(`${where}: options { height, width, sigma?, normalization? } are required, got ${String(options)}`);
  }
  const { height, width } = options;
  assertPositiveInteger(height, `${where}: options.height (H)`);
  assertPositiveInteger(width, `${where}: options.width (W)`);
  const sigma = options.sigma ?? defaultSigma(height);
  assertPositiveNumber(sigma, `${where}: options.sigma`);
  const normalization = options.normalization ?? 'peak';
  if (normalization !== 'peak' && normalization !== 'density') {
    throw new Error(`${where}: options.normalization must be 'peak' or 'density', got ${JSON.stringify(normalization)}`);
  }
  return { height, width, sigma, normalization };
}

/**
 * Adds one Gaussian of height `amplitude` centred at heatmap point (x, y) to channel `k`
 * of the H×W×K map `out` (which must be zero there). `rowBuffer`/`colBuffer` are scratch
 * space of length ≥ W and ≥ H. Returns false when the ±4σ window misses the map.
 */
function renderGaussian(
  out: Float32Array, height: number, width: number, channels: number, k: number,
  x: number, y: number, amplitude: number, sigma: number,
  rowBuffer: Float32Array, colBuffer: Float32Array,
): boolean {
  const radius = GAUSSIAN_WINDOW_SIGMAS * sigma;
  const j0 = Math.max(0, Math.ceil(x - radius));
  const j1 = Math.min(width - 1, Math.floor(x + radius));
  const i0 = Math.max(0, Math.ceil(y - radius));
  const i1 = Math.min(height - 1, Math.floor(y + radius));
  if (j0 > j1 || i0 > i1) return false;
  const inverseTwoSigmaSquared = 1 / (2 * sigma * sigma);
  for (let j = j0; j <= j1; j++) rowBuffer[j] = Math.exp(-(j - x) * (j - x) * inverseTwoSigmaSquared);
  for (let i = i0; i <= i1; i++) colBuffer[i] = amplitude * Math.exp(-(i - y) * (i - y) * inverseTwoSigmaSquared);
  for (let i = i0; i <= i1; i++) {
    const rowValue = colBuffer[i];
    let index = (i * width + j0) * channels + k;
    for (let j = j0; j <= j1; j++, index += channels) out[index] = rowValue * rowBuffer[j];
  }
  return true;
}

/** Encodes one sample into `heatmaps` (H×W×K, zeroed) and `weights` (K). Inputs already checked. */
function encodeInto(
  points: Float32Array, intensities: ArrayLike<number>, heatmaps: Float32Array, weights: Float32Array,
  height: number, width: number, sigma: number, peakFactor: number,
  rowBuffer: Float32Array, colBuffer: Float32Array, where: string,
): void {
  const channels = intensities.length * 2;
  for (let k = 0; k < channels; k++) {
    const intensity = intensities[k >> 1];
    if (Number.isNaN(intensity)) {
      weights[k] = 0; // missing label: no target, no loss
      continue;
    }
    if (!(intensity >= 0 && intensity <= MAX_INTENSITY)) {
      throw new Error(
        `${where}: intensities[${k >> 1}] = ${intensity} is outside [0, ${MAX_INTENSITY}]; a missing label must be NaN (BP4D's 9 included)`,
      );
    }
    weights[k] = 1;
    if (intensity === 0) continue; // absent AU: the target is an empty map
    const x = points[2 * k];
    const y = points[2 * k + 1];
    // A point off the map (or not finite) cannot show its intensity: leave it out of the loss.
    const drawn = Number.isFinite(x) && Number.isFinite(y) &&
      renderGaussian(heatmaps, height, width, channels, k, x, y, intensity * peakFactor, sigma, rowBuffer, colBuffer);
    if (!drawn) weights[k] = 0;
  }
}

/**
 * Target heatmaps for one sample (docs/method.md §2):
 * `S_k(i, j) = I_{k/2} · g · exp(−((j − x_k)² + (i − y_k)²) / 2σ²)` within ±4σ, else 0.
 *
 * @param points K×2 in heatmap pixels (flat or `[x, y][]`), K = 2A (see `auPoints`, `imageToHeatmap`).
 * @param intensities A values in [0, 5]; NaN = missing.
 * @returns heatmaps H×W×K and weights K. Weight 0 (and an empty channel) when the
 *   intensity is NaN, or when it is > 0 but the point's ±4σ window misses the map or
 *   the point is not finite. Intensity 0 gives an empty channel with weight 1.
 */
export function encodeHeatmaps(
  points: PointsInput, intensities: ArrayLike<number>, options: EncodeHeatmapsOptions,
): EncodedHeatmaps {
  const where = 'encodeHeatmaps';
  const { height, width, sigma, normalization } = resolveShapeOptions(options, where);
  if (intensities == null || intensities.length === 0) {
    throw new Error(`${where}(intensities): expected A ≥ 1 intensities, got ${intensities == null ? String(intensities) : 'none'}`);
  }
  const channels = intensities.length * 2;
  const flat = toFlatPoints(points, `${where}(points)`);
  assertLength(flat, channels * 2, `${where}(points)`, `K×2 with K = 2A = ${channels} (A = ${intensities.length} intensities)`);
  const heatmaps = outputBuffer(options.out, height * width * channels, where, `H×W×K = ${height}×${width}×${channels}`);
  const weights = new Float32Array(channels);
  encodeInto(
    flat, intensities, heatmaps, weights, height, width, sigma, gaussianPeakFactor(normalization, sigma),
    new Float32Array(width), new Float32Array(height), where,
  );
  return { heatmaps, weights };
}

function outputBuffer(out: Float32Array | undefined, length: number, where: string, shape: string): Float32Array {
  if (out === undefined) return new Float32Array(length);
  if (!(out instanceof Float32Array) || out.length !== length) {
    throw new Error(`${where}(options.out): expected a Float32Array of ${shape} = ${length} values, got ${out instanceof Float32Array ? `length ${out.length}` : String(out)}`);
  }
  return out.fill(0);
}

export interface EncodeHeatmapsBatchOptions extends EncodeHeatmapsOptions {
  /** B; required when `points` and `intensities` are flat arrays (their lengths cannot tell). */
  batch?: number;
}

/**
 * `encodeHeatmaps` for a batch.
 * @param points B×K×2: one flat array (then `options.batch` is required) or B per-sample point sets.
 * @param intensities B×A: one flat array or B arrays of A.
 * @returns heatmaps B×H×W×K, weights B×K (one allocation each, or `options.out` reused).
 */
export function encodeHeatmapsBatch(
  points: ArrayLike<number> | readonly PointsInput[],
  intensities: ArrayLike<number> | readonly ArrayLike<number>[],
  options: EncodeHeatmapsBatchOptions,
): EncodedHeatmaps {
  const where = 'encodeHeatmapsBatch';
  const { height, width, sigma, normalization } = resolveShapeOptions(options, where);
  const perSamplePoints = points.length > 0 && typeof (points as ArrayLike<unknown>)[0] === 'object';
  const perSampleIntensities = intensities.length > 0 && typeof (intensities as ArrayLike<unknown>)[0] === 'object';
  const batch = perSampleIntensities ? intensities.length : perSamplePoints ? points.length : options.batch;
  assertPositiveInteger(batch, `${where}: the batch size B (options.batch, needed when points and intensities are both flat)`);
  if (options.batch !== undefined && options.batch !== batch) {
    throw new Error(`${where}: options.batch = ${options.batch} but the per-sample arrays hold ${batch} samples`);
  }
  if (perSamplePoints) assertLength(points, batch, `${where}(points)`, 'B per-sample point sets');
  const aus = perSampleIntensities
    ? (intensities as readonly ArrayLike<number>[])[0].length
    : intensities.length / batch;
  if (!Number.isInteger(aus) || aus < 1) {
    throw new Error(`${where}(intensities): ${intensities.length} values do not split into B = ${batch} samples of A ≥ 1`);
  }
  const channels = 2 * aus;
  const mapSize = height * width * channels;
  const heatmaps = outputBuffer(options.out, batch * mapSize, where, `B×H×W×K = ${batch}×${height}×${width}×${channels}`);
  const weights = new Float32Array(batch * channels);
  const flatPoints = perSamplePoints ? undefined : toFlatPoints(points as ArrayLike<number>, `${where}(points)`);
  if (flatPoints) assertLength(flatPoints, batch * channels * 2, `${where}(points)`, `B×K×2 = ${batch}×${channels}×2`);
  const flatIntensities = perSampleIntensities ? undefined : (intensities as ArrayLike<number>);
  const rowBuffer = new Float32Array(width);
  const colBuffer = new Float32Array(height);
  const peakFactor = gaussianPeakFactor(normalization, sigma);
  for (let b = 0; b < batch; b++) {
    const sampleWhere = `${where}(sample ${b})`;
    const samplePoints = flatPoints
      ? flatPoints.subarray(b * channels * 2, (b + 1) * channels * 2)
      : toFlatPoints((points as readonly PointsInput[])[b], `${sampleWhere} points`);
    const sampleIntensities = flatIntensities
      ? sliceOf(flatIntensities, b * aus, (b + 1) * aus)
      : (intensities as readonly ArrayLike<number>[])[b];
    assertLength(sampleIntensities, aus, `${sampleWhere} intensities`, 'A');
    assertLength(samplePoints, channels * 2, `${sampleWhere} points`, `K×2 = ${channels}×2`);
    encodeInto(
      samplePoints, sampleIntensities,
      heatmaps.subarray(b * mapSize, (b + 1) * mapSize), weights.subarray(b * channels, (b + 1) * channels),
      height, width, sigma, peakFactor, rowBuffer, colBuffer, sampleWhere,
    );
  }
  return { heatmaps, weights };
}

function sliceOf(values: ArrayLike<number>, start: number, end: number): ArrayLike<number> {
  if (ArrayBuffer.isView(values)) return (values as Float32Array).subarray(start, end);
  return Array.prototype.slice.call(values, start, end) as number[];
}
