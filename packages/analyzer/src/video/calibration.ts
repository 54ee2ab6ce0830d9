// Per-person calibration, as OpenFace's dynamic AU models do: a person's resting face can
// look like a slight frown or smile to the model, so each AU of each face_id is shifted down
// by a low percentile of that person's own predictions (their "neutral"), then clipped to
// [0, 5]. 'video' uses the whole video (offline); 'online' only the frames so far (causal),
// and starts shifting once ONLINE_WARMUP frames are in. The percentile and the default mode
// were chosen by bench/calibration.bench.mjs (README).
export type CalibrationMode = 'none' | 'video' | 'online';
export const CALIBRATION_MODES: readonly CalibrationMode[] = ['none', 'video', 'online'];

/** The low percentile taken as a person's neutral (see the README for the measurement). */
export const CALIBRATION_PERCENTILE = 20;
/** Online calibration leaves the first frames as they are: a baseline from fewer is noise. */
export const ONLINE_WARMUP = 25;

/** The p-th percentile (0–100) of `values` (linear interpolation between order statistics); NaN for none. */
export function percentile(values: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(values).filter((v) => !Number.isNaN(v)).sort();
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

const clamp05 = (v: number): number => Math.min(5, Math.max(0, v));

/**
 * One face's AU series calibrated: `series` is T×A (frames of that face in time order, A AUs),
 * the result T×A. 'none' returns a copy.
 */
export function calibrateSeries(series: Float32Array, auCount: number, mode: CalibrationMode, p = CALIBRATION_PERCENTILE): Float32Array {
  const out = Float32Array.from(series);
  if (mode === 'none') return out;
  const frames = series.length / auCount;
  for (let a = 0; a < auCount; a++) {
    if (mode === 'video') {
      const column = Float32Array.from({ length: frames }, (_, t) => series[t * auCount + a]!);
      const base = percentile(column, p);
      for (let t = 0; t < frames; t++) out[t * auCount + a] = clamp05(series[t * auCount + a]! - base);
    } else {
      // Causal: a 0.01-wide histogram over [0, 5] of the values so far gives each percentile in O(bins).
      const bins = new Uint32Array(501);
      for (let t = 0; t < frames; t++) {
        const v = series[t * auCount + a]!;
        bins[Math.round(clamp05(v) * 100)]!++;
        if (t + 1 < ONLINE_WARMUP) continue;
        const target = (p / 100) * t;
        let seen = 0;
        let bin = 0;
        while (bin < 500 && seen + bins[bin]! <= target) seen += bins[bin++]!;
        out[t * auCount + a] = clamp05(v - bin / 100);
      }
    }
  }
  return out;
}
