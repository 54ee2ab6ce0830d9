import { describe, expect, it } from 'vitest';
import { linearTrend } from './trend.js';

describe('linearTrend', () => {
  it('recovers an exact line', () => {
    const t = [0, 10, 20, 30];
    expect(linearTrend(t, t.map((x) => 5 + 0.5 * x))).toEqual({ slope: 0.5, intercept: 5, n: 4 });
  });

  it('matches the hand-computed fit of noisy points', () => {
    // t = 0,1,2,3; y = 1,3,2,5: t̄ = 1.5, ȳ = 2.75, Σ(t−t̄)² = 5, Σ(t−t̄)(y−ȳ) = 5.5 → slope 1.1, intercept 1.1.
    const { slope, intercept } = linearTrend([0, 1, 2, 3], [1, 3, 2, 5]);
    expect(slope).toBeCloseTo(1.1, 12);
    expect(intercept).toBeCloseTo(1.1, 12);
  });

  it('gives slope 0 for a constant series', () => {
    expect(linearTrend([0, 10, 20], [7, 7, 7]).slope).toBe(0);
  });

  it('refuses too few or mismatched samples', () => {
    expect(() => linearTrend([1], [1])).toThrow(/two distinct sample times/);
    expect(() => linearTrend([1, 1], [1, 2])).toThrow(/two distinct/);
    expect(() => linearTrend([1, 2], [1])).toThrow(/2 times but 1 values/);
    expect(() => linearTrend([1, 2], [1, Number.NaN])).toThrow(/finite/);
  });
});
