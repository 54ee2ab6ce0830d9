// The argmax of every channel of a channels-last heatmap, and the sub-pixel offsets
// around it. Pure functions on Float32Array; the decoder composes them.

/**
 * Per-channel maximum of an H×W×K channels-last map. One strided scan per channel with
 * the running maximum in locals (measured in bench/heatmaps.bench.mjs: as fast as one
 * sequential pass over all channels, the whole map fits in cache).
 * Ties go to the first pixel in row-major order (a strict `>` keeps the earlier one), so a
 * constant (e.g. all-zero) channel gives pixel 0, (x, y) = (0, 0).
 * @returns `pixel` Int32Array K (row-major pixel index i·W + j) and `value` Float32Array K.
 */
export function channelMaxima(
  heatmaps: ArrayLike<number>, height: number, width: number, channels: number,
): { pixel: Int32Array; value: Float32Array } {
  const pixel = new Int32Array(channels);
  const value = new Float32Array(channels);
  const pixels = height * width;
  for (let k = 0; k < channels; k++) {
    let best = heatmaps[k];
    let bestPixel = 0;
    for (let p = 1, index = channels + k; p < pixels; p++, index += channels) {
      const v = heatmaps[index];
      if (v > best) {
        best = v;
        bestPixel = p;
      }
    }
    pixel[k] = bestPixel;
    value[k] = best;
  }
  return { pixel, value };
}

/**
 * The classic quarter-pixel step (Newell et al. 2016, as in mmpose's `refine_keypoints`):
 * +0.25 towards the larger of the two neighbours, 0 when they are equal. A neighbour
 * beyond the map's edge counts as 0, the background of every target map.
 */
export function quarterPixelStep(before: number, after: number): number {
  return after > before ? 0.25 : after < before ? -0.25 : 0;
}

/**
 * Sub-pixel offset δ ∈ [−0.5, 0.5] of a Gaussian of known σ from the pixel holding its
 * sampled maximum `peak`, from the log of its neighbours `before` (at −1) and `after` (+1).
 * For a Gaussian, ln S(t) = c − (t − δ)²/2σ² is a parabola, so
 *   both neighbours > 0: ln S(1) − ln S(−1) = 2δ/σ²       → δ = σ²·(ln after − ln before)/2;
 *   only `after` > 0:    ln S(1) − ln S(0) = (2δ − 1)/2σ² → δ = 1/2 + σ²·(ln after − ln peak);
 *   only `before` > 0:   ln S(−1) − ln S(0) = (−2δ − 1)/2σ² → δ = −1/2 − σ²·(ln before − ln peak).
 * Exact for an encoded target; for a network's map it is clamped to ±0.5 (the maximum's
 * pixel is the nearest one to a Gaussian's centre), so it stays bounded. Pass
 * `before`/`after` ≤ 0 (e.g. 0) for a neighbour that is missing or not usable.
 */
export function gaussianSubpixelOffset(before: number, peak: number, after: number, sigma: number): number {
  if (!(peak > 0)) return 0;
  const sigmaSquared = sigma * sigma;
  let offset: number;
  if (before > 0 && after > 0) offset = (sigmaSquared * (Math.log(after) - Math.log(before))) / 2;
  else if (after > 0) offset = 0.5 + sigmaSquared * (Math.log(after) - Math.log(peak));
  else if (before > 0) offset = -0.5 - sigmaSquared * (Math.log(before) - Math.log(peak));
  else return 0;
  return Math.min(0.5, Math.max(-0.5, offset));
}

/**
 * Height of a Gaussian of known σ whose sample at offset (δx, δy) from its centre is
 * `sampled`: `sampled · exp((δx² + δy²)/2σ²)`. With |δ| ≤ 0.5 the factor is at most
 * exp(1/(4σ²)) (1.065 at σ = 2).
 */
export function gaussianPeakHeight(sampled: number, offsetX: number, offsetY: number, sigma: number): number {
  return sampled * Math.exp((offsetX * offsetX + offsetY * offsetY) / (2 * sigma * sigma));
}
