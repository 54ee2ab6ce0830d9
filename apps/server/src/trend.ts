// The least-squares line through (t, y) samples: what the soak run (bench/soak.mjs) fits to
// RSS, heap and the worker's tensor count to tell a leak (a steady slope) from noise.

export interface Trend {
  /** dy/dt of the least-squares line, in y units per t unit. */
  slope: number;
  /** The line's value at t = 0. */
  intercept: number;
  /** Samples used. */
  n: number;
}

/**
 * Ordinary least squares y ≈ intercept + slope·t: slope = Σ(t−t̄)(y−ȳ) / Σ(t−t̄)².
 * @param t sample times, at least two distinct. @param y the values, same length.
 */
export function linearTrend(t: readonly number[], y: readonly number[]): Trend {
  if (t.length !== y.length) throw new Error(`linearTrend: ${t.length} times but ${y.length} values`);
  if (![...t, ...y].every(Number.isFinite)) throw new Error('linearTrend: times and values must be finite numbers');
  const n = t.length;
  const tMean = t.reduce((a, b) => a + b, 0) / n;
  const yMean = y.reduce((a, b) => a + b, 0) / n;
  let stt = 0;
  let sty = 0;
  for (let i = 0; i < n; i++) {
    stt += (t[i]! - tMean) ** 2;
    sty += (t[i]! - tMean) * (y[i]! - yMean);
  }
  if (!(stt > 0)) throw new Error(`linearTrend: needs at least two distinct sample times, got ${n} sample(s)`);
  const slope = sty / stt;
  return { slope, intercept: yMean - slope * tMean, n };
}
