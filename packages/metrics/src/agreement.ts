import { readPairedVectors } from './input-checks.js';

/**
 * Mean absolute error `Σ|p − t| / n` of paired vectors (length n each). NaN for n = 0.
 * NaN values are not skipped (a NaN in gives NaN out): filter missing labels first, as
 * `auReport` does.
 */
export function mae(predictions: ArrayLike<number>, truth: ArrayLike<number>): number {
  const [p, t] = readPairedVectors(predictions, truth, 'mae');
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += Math.abs(p[i] - t[i]);
  return p.length === 0 ? NaN : sum / p.length;
}

/** Mean squared error `Σ(p − t)² / n` (length n each). NaN for n = 0; NaN in gives NaN out. */
export function mse(predictions: ArrayLike<number>, truth: ArrayLike<number>): number {
  const [p, t] = readPairedVectors(predictions, truth, 'mse');
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += (p[i] - t[i]) ** 2;
  return p.length === 0 ? NaN : sum / p.length;
}

/**
 * Pearson correlation `Σ(p − p̄)(t − t̄) / sqrt(Σ(p − p̄)² · Σ(t − t̄)²)` (length n each).
 * NaN when undefined: n < 2, or either side constant (zero variance); see
 * {@link pearsonDetails} for the reason. NaN in gives NaN out.
 */
export function pearson(predictions: ArrayLike<number>, truth: ArrayLike<number>): number {
  return pearsonDetails(predictions, truth).value;
}

/** {@link pearson}, with the reason when the value is NaN. */
export function pearsonDetails(
  predictions: ArrayLike<number>,
  truth: ArrayLike<number>,
): { value: number; reason?: string } {
  const [p, t] = readPairedVectors(predictions, truth, 'pearson');
  const n = p.length;
  if (n === 0) return { value: NaN, reason: 'no data' };
  if (n === 1) return { value: NaN, reason: 'one pair: correlation is undefined' };
  let meanP = 0;
  let meanT = 0;
  for (let i = 0; i < n; i++) {
    meanP += p[i] / n;
    meanT += t[i] / n;
  }
  let covariance = 0;
  let varianceP = 0;
  let varianceT = 0;
  for (let i = 0; i < n; i++) {
    covariance += (p[i] - meanP) * (t[i] - meanT);
    varianceP += (p[i] - meanP) ** 2;
    varianceT += (t[i] - meanT) ** 2;
  }
  if (Number.isNaN(covariance)) return { value: NaN, reason: 'NaN in the input' };
  // Exact constancy, not a variance threshold: a tiny but real spread still correlates.
  const constantP = p.every((value) => value === p[0]);
  const constantT = t.every((value) => value === t[0]);
  if (constantP || constantT) {
    const which = constantP && constantT ? 'predictions and truth are' : constantP ? 'predictions are' : 'truth is';
    return { value: NaN, reason: `${which} constant: correlation is undefined` };
  }
  // Rounding can push |r| a hair above 1.
  return { value: Math.max(-1, Math.min(1, covariance / Math.sqrt(varianceP * varianceT))) };
}
