// Temporal smoothing of one face's AU series: a centred moving average over `window` frames
// (frames of that face in time order; the window shrinks at the ends).

/** `series` T×A smoothed per AU with a centred window of `window` frames (1 = unchanged); T×A. */
export function smoothSeries(series: Float32Array, auCount: number, window: number): Float32Array {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`smooth window must be a positive integer, got ${window}`);
  const out = Float32Array.from(series);
  if (window === 1) return out;
  const frames = series.length / auCount;
  const before = Math.floor((window - 1) / 2);
  const after = window - 1 - before;
  for (let a = 0; a < auCount; a++) {
    // running sum over [t − before, t + after]
    let sum = 0;
    let count = 0;
    for (let t = 0; t < Math.min(frames, after); t++) { sum += series[t * auCount + a]!; count++; }
    for (let t = 0; t < frames; t++) {
      const enter = t + after;
      if (enter < frames) { sum += series[enter * auCount + a]!; count++; }
      const leave = t - before - 1;
      if (leave >= 0) { sum -= series[leave * auCount + a]!; count--; }
      out[t * auCount + a] = sum / count;
    }
  }
  return out;
}
