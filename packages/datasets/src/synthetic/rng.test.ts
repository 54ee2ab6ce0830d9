import { describe, expect, it } from 'vitest';
import { syntheticRng } from './rng.js';

describe('syntheticRng', () => {
  it('repeats the same stream for the same seed and differs for another', () => {
    const a = syntheticRng(42);
    const b = syntheticRng(42);
    const c = syntheticRng(43);
    const sa = Array.from({ length: 20 }, () => a.next());
    const sb = Array.from({ length: 20 }, () => b.next());
    const sc = Array.from({ length: 20 }, () => c.next());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('gives uniform numbers in [0,1) with mean 1/2 and a standard normal with mean 0, sd 1', () => {
    const rng = syntheticRng(7);
    let sum = 0;
    let min = 1;
    let max = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(sum / n).toBeCloseTo(0.5, 1);
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s1 += z;
      s2 += z * z;
    }
    expect(Math.abs(s1 / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
  });

  it('int covers both ends inclusively', () => {
    const rng = syntheticRng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(rng.int(2, 5));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });

  it('rejects a non-finite seed and an empty pick', () => {
    expect(() => syntheticRng(Number.NaN)).toThrow(/seed/);
    expect(() => syntheticRng(1).pick([])).toThrow(/empty/);
  });
});
