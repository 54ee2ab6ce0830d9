import { describe, expect, it } from 'vitest';
import { mixSeed, mulberry32, normalFrom, permutation, seededPermutation, seededUniform } from './random.js';

describe('mulberry32', () => {
  it('matches an independent Python implementation (seeds 0 and 42, first three draws)', () => {
    // Computed with plain Python integers masked to 32 bits (the reference algorithm by
    // Tommy Ettinger), not with this code.
    const a = mulberry32(0);
    expect([a(), a(), a()]).toEqual([0.26642920868471265, 0.0003297457005828619, 0.2232720274478197]);
    const b = mulberry32(42);
    expect([b(), b(), b()]).toEqual([0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const next = mulberry32(7);
    const draws = Float64Array.from({ length: 100_000 }, next);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    expect(draws.reduce((s, v) => s + v, 0) / draws.length).toBeCloseTo(0.5, 2);
  });
});

describe('mixSeed', () => {
  it('depends on every part and their order', () => {
    const s = mixSeed(1, 2, 3);
    expect(s).toBe(mixSeed(1, 2, 3));
    expect(s).not.toBe(mixSeed(3, 2, 1));
    expect(s).not.toBe(mixSeed(1, 2, 4));
    expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
  });
});

describe('permutation', () => {
  it('is a permutation, fixed by the seed', () => {
    const p = seededPermutation(50, 3);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...seededPermutation(50, 3)]).toEqual([...p]);
    expect([...seededPermutation(50, 4)]).not.toEqual([...p]);
  });

  it('is Fisher–Yates: a stub source that always returns 0 rotates 0…n−1 by one', () => {
    // j = 0 at every i: swap(n−1, 0), swap(n−2, 0), … → [1, 2, …, n−1, 0]
    expect([...permutation(4, () => 0)]).toEqual([1, 2, 3, 0]);
    // a source just below 1 picks j = i: identity
    expect([...permutation(4, () => 0.999999)]).toEqual([0, 1, 2, 3]);
  });
});

describe('normalFrom / seededUniform', () => {
  it('normal draws have mean ≈ 0 and variance ≈ 1', () => {
    const next = mulberry32(11);
    let s = 0;
    let s2 = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const v = normalFrom(next);
      s += v;
      s2 += v * v;
    }
    expect(s / n).toBeCloseTo(0, 1);
    expect(s2 / n).toBeCloseTo(1, 1);
  });

  it('uniform values fill [low, high)', () => {
    const u = seededUniform(1000, 5, -2, 3);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(3);
    expect([...seededUniform(3, 5, -2, 3)]).toEqual([...u.subarray(0, 3)]);
  });
});
