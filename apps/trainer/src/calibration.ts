/**
 * Per-AU intensity calibration, fitted on validation identities: a network trained on the
 * heatmap MSE shrinks its uncertain peaks (held-out predictions were 0.1–0.9× the truth on
 * active frames), and ICC(3,1) = 2·cov / (var p + var t) for two raters punishes a spread
 * that is too small even when the ranking is right. For predictions p = f·q it is largest at
 * f = sd(t) / sd(q), where it equals the Pearson correlation; so each AU gets that factor.
 */
export interface CalibrationOptions {
  /** AUs with fewer active validation frames (label > 0) than this keep factor 1. */
  minActive: number;
  /** The factor is clamped to [min, max]. */
  min: number;
  max: number;
}

/**
 * min 1: only shrinkage is undone (a factor < 1 would not be exact on clamped predictions,
 * see `fitIntensityScales`); max 4 and 10 active frames keep a factor from being fitted to
 * a handful of frames.
 */
export const DEFAULT_CALIBRATION: CalibrationOptions = { minActive: 10, min: 1, max: 4 };

export interface AuCalibration {
  au: number;
  /** Validation frames with a label for this AU, and how many of them are active (> 0). */
  frames: number;
  active: number;
  sdPredicted: number;
  sdTruth: number;
  scale: number;
  /** Why the factor is not sd(t)/sd(p), if it is not. */
  note?: string;
}

function sd(values: number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) * (v - mean), 0) / values.length);
}

/**
 * Factor per AU: `clamp(sd(truth) / sd(predicted), min, max)` over the frames labelled for it.
 * The predictions are the decoder's, already clamped to [0, 5]; with factors ≥ 1,
 * `clamp(f · p)` of a clamped p equals the calibrated decode `clamp(f · mean)` exactly.
 * @param predictions frames × A (decoded intensities, uncalibrated)
 * @param truth frames × A (NaN = missing)
 */
export function fitIntensityScales(predictions: readonly ArrayLike<number>[], truth: readonly ArrayLike<number>[], aus: readonly number[], options: CalibrationOptions = DEFAULT_CALIBRATION): AuCalibration[] {
  if (predictions.length !== truth.length) throw new RangeError(`fitIntensityScales: ${predictions.length} predicted rows but ${truth.length} label rows`);
  return aus.map((au, a) => {
    const p: number[] = [];
    const t: number[] = [];
    predictions.forEach((row, f) => {
      if (Number.isFinite(truth[f][a])) {
        p.push(row[a]);
        t.push(truth[f][a]);
      }
    });
    const active = t.filter((v) => v > 0).length;
    const sdPredicted = p.length ? sd(p) : 0;
    const sdTruth = t.length ? sd(t) : 0;
    const base = { au, frames: t.length, active, sdPredicted, sdTruth };
    if (active < options.minActive) return { ...base, scale: 1, note: `${active} active frames (< ${options.minActive})` };
    if (!(sdPredicted > 0)) return { ...base, scale: 1, note: 'constant predictions' };
    const raw = sdTruth / sdPredicted;
    const scale = Math.min(options.max, Math.max(options.min, raw));
    return scale === raw ? { ...base, scale } : { ...base, scale, note: `sd ratio ${raw.toFixed(3)} clamped to [${options.min}, ${options.max}]` };
  });
}

/** `clamp(f_a · p, 0, 5)` per AU: the calibrated decode of decoded (clamped) predictions when every f_a ≥ 1. */
export function applyIntensityScales(predictions: readonly ArrayLike<number>[], scale: readonly number[]): number[][] {
  return predictions.map((row) => Array.from(row, (v, a) => Math.min(5, Math.max(0, v * scale[a]))));
}
