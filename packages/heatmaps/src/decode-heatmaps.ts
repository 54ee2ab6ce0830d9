// The heatmap decoder (docs/method.md §2): per channel the argmax with a sub-pixel step, the
// Gaussian's height there (normalization undone), and per AU the mean of its two points.
// The height is by default fitted over a 5×5 window (see `value`); 'peak' reads it from the
// maximum and its 4 neighbours, as below.
//
// Why the height is estimated, not read: with peak normalization a Gaussian centred
// between pixels is sampled below its peak (by exp(−(δx²+δy²)/2σ²), up to 6 % at σ = 2),
// which would bias every intensity down by up to 0.3. The decoder fits the Gaussian
// through the maximum and its 4 neighbours (gaussianSubpixelOffset) and divides that
// factor out (gaussianPeakHeight); for an encoded map this recovers the intensity exactly.

import {
  MAX_INTENSITY,
  gaussianPeakFactor,
  resolveShapeOptions,
  type HeatmapShapeOptions,
} from './gaussian-heatmap.js';
import { channelMaxima, gaussianPeakHeight, gaussianSubpixelOffset, quarterPixelStep } from './heatmap-maximum.js';
import { assertPositiveInteger } from './points.js';

/** How a point's value is read from its map (docs/method.md §2). */
export type PointValueEstimate = 'window' | 'peak';

/** Half-width of the `'window'` height estimate: a (2·2 + 1)² = 5×5 window around the maximum. */
export const HEIGHT_WINDOW_RADIUS = 2;

export interface DecodeHeatmapsOptions extends HeatmapShapeOptions {
  /** K, heatmap channels (= 2A). */
  channels: number;
  /**
   * The point's value: `'window'` (default) the least-squares height of a Gaussian of the
   * codec's σ, centred at the refined maximum, fitted to the 5×5 pixels around the maximum
   * (`Σ h·g / Σ g²`); `'peak'` the Gaussian's height through the maximum and its 4 neighbours.
   * Both are exact on an encoded map. A network's map is lower and wider than its target
   * where the place is uncertain; the window reads more of that spread-out mass (on held-out
   * synthetic faces it raised the mean ICC(3,1) by +0.008 to +0.010 and cut the MAE by about a
   * sixth against `'peak'`: apps/trainer/README.md).
   */
  value?: PointValueEstimate;
  /**
   * Sub-pixel location: `'quarter'` (default, docs/method.md §2: a quarter pixel towards the
   * larger neighbour) or `'gaussian'` (the fitted Gaussian centre; exact on encoded maps).
   */
  refinement?: 'quarter' | 'gaussian';
}

/** One decoded point in heatmap pixels; `value` = estimated peak height / g (not clamped). */
export interface DecodedPoint {
  x: number;
  y: number;
  value: number;
}

export interface DecodedHeatmaps {
  /** K points, channel order. */
  points: DecodedPoint[];
  /** A intensities: mean of each AU's two point values, clamped to [0, 5]. */
  intensities: Float32Array;
}

function resolveDecodeOptions(options: DecodeHeatmapsOptions, where: string) {
  const shape = resolveShapeOptions(options, where);
  assertPositiveInteger(options.channels, `${where}: options.channels (K)`);
  if (options.channels % 2 !== 0) {
    throw new Error(`${where}: options.channels (K) must be even (two points per AU, K = 2A), got ${options.channels}`);
  }
  const refinement = options.refinement ?? 'quarter';
  if (refinement !== 'quarter' && refinement !== 'gaussian') {
    throw new Error(`${where}: options.refinement must be 'quarter' or 'gaussian', got ${JSON.stringify(refinement)}`);
  }
  const value = options.value ?? 'window';
  if (value !== 'window' && value !== 'peak') {
    throw new Error(`${where}: options.value must be 'window' or 'peak', got ${JSON.stringify(value)}`);
  }
  return { ...shape, channels: options.channels, refinement, value };
}

/**
 * Least-squares height `Σ h·g / Σ g²` of a unit-peak Gaussian (σ) centred at (cx, cy), fitted
 * to channel `k`'s pixels within `radius` of the maximum's pixel (i, j) that lie on the map.
 * On an encoded map `h = I·g` there, so it returns I exactly.
 */
function windowHeight(
  at: (i: number, j: number, k: number) => number, i: number, j: number, k: number,
  cx: number, cy: number, sigma: number, height: number, width: number, radius: number,
): number {
  const inv = 1 / (2 * sigma * sigma);
  let hg = 0;
  let gg = 0;
  for (let y = Math.max(0, i - radius); y <= Math.min(height - 1, i + radius); y++) {
    for (let x = Math.max(0, j - radius); x <= Math.min(width - 1, j + radius); x++) {
      const g = Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) * inv);
      hg += at(y, x, k) * g;
      gg += g * g;
    }
  }
  return hg / gg;
}

type ResolvedDecodeOptions = ReturnType<typeof resolveDecodeOptions>;

function decodeOne(heatmaps: ArrayLike<number>, offset: number, o: ResolvedDecodeOptions): DecodedHeatmaps {
  const { height, width, channels, sigma } = o;
  const view = offset === 0 ? heatmaps : (heatmaps as Float32Array).subarray(offset, offset + height * width * channels);
  const maxima = channelMaxima(view, height, width, channels);
  const peakFactor = gaussianPeakFactor(o.normalization, sigma);
  const at = (i: number, j: number, k: number) =>
    i < 0 || i >= height || j < 0 || j >= width ? 0 : view[(i * width + j) * channels + k];
  const points: DecodedPoint[] = new Array(channels);
  for (let k = 0; k < channels; k++) {
    const peak = maxima.value[k];
    const i = Math.floor(maxima.pixel[k] / width);
    const j = maxima.pixel[k] - i * width;
    if (!(peak > 0)) {
      // No positive peak (an absent AU, e.g. an all-zero map): nothing to refine.
      points[k] = { x: j, y: i, value: peak / peakFactor };
      continue;
    }
    const left = at(i, j - 1, k);
    const right = at(i, j + 1, k);
    const up = at(i - 1, j, k);
    const down = at(i + 1, j, k);
    const offsetX = gaussianSubpixelOffset(left, peak, right, sigma);
    const offsetY = gaussianSubpixelOffset(up, peak, down, sigma);
    const stepX = o.refinement === 'gaussian' ? offsetX : quarterPixelStep(left, right);
    const stepY = o.refinement === 'gaussian' ? offsetY : quarterPixelStep(up, down);
    const heightAt =
      o.value === 'window'
        ? windowHeight(at, i, j, k, j + offsetX, i + offsetY, sigma, height, width, HEIGHT_WINDOW_RADIUS)
        : gaussianPeakHeight(peak, offsetX, offsetY, sigma);
    points[k] = {
      x: Math.min(width - 1, Math.max(0, j + stepX)),
      y: Math.min(height - 1, Math.max(0, i + stepY)),
      value: heightAt / peakFactor,
    };
  }
  const intensities = new Float32Array(channels / 2);
  for (let a = 0; a < intensities.length; a++) {
    const mean = (points[2 * a].value + points[2 * a + 1].value) / 2;
    intensities[a] = Math.min(MAX_INTENSITY, Math.max(0, mean));
  }
  return { points, intensities };
}

/**
 * Decodes one sample's heatmaps.
 *
 * @param heatmaps H×W×K channels-last (e.g. a model output's `dataSync()`).
 * @returns K points `{ x, y, value }` in heatmap pixels and A = K/2 intensities.
 *   Location: the maximum's pixel (ties: the first in row-major order), plus the
 *   sub-pixel step of `options.refinement`, clamped to the map. A channel without a
 *   positive value (all zero, say) gives its maximum's pixel unrefined: (0, 0) for an
 *   all-zero map. Value: the Gaussian's estimated height (see the file comment) / g.
 */
export function decodeHeatmaps(heatmaps: ArrayLike<number>, options: DecodeHeatmapsOptions): DecodedHeatmaps {
  const where = 'decodeHeatmaps';
  const o = resolveDecodeOptions(options, where);
  const expected = o.height * o.width * o.channels;
  if (heatmaps == null || heatmaps.length !== expected) {
    throw new Error(
      `${where}(heatmaps): expected H×W×K = ${o.height}×${o.width}×${o.channels} = ${expected} values, got ${heatmaps == null ? String(heatmaps) : heatmaps.length}`,
    );
  }
  return decodeOne(heatmaps, 0, o);
}

/**
 * Decodes a batch: `heatmaps` B×H×W×K channels-last (B = length / (H·W·K)).
 * @returns B results, as `decodeHeatmaps` gives them.
 */
export function decodeHeatmapsBatch(heatmaps: ArrayLike<number>, options: DecodeHeatmapsOptions): DecodedHeatmaps[] {
  const where = 'decodeHeatmapsBatch';
  const o = resolveDecodeOptions(options, where);
  const mapSize = o.height * o.width * o.channels;
  if (heatmaps == null || heatmaps.length === 0 || heatmaps.length % mapSize !== 0) {
    throw new Error(
      `${where}(heatmaps): expected B×H×W×K = B×${o.height}×${o.width}×${o.channels} (a multiple of ${mapSize}) values, got ${heatmaps == null ? String(heatmaps) : heatmaps.length}`,
    );
  }
  const source = ArrayBuffer.isView(heatmaps) ? heatmaps : Float32Array.from(heatmaps);
  const results: DecodedHeatmaps[] = [];
  for (let offset = 0; offset < source.length; offset += mapSize) results.push(decodeOne(source, offset, o));
  return results;
}
