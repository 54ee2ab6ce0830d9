import { describe, expect, it } from 'vitest';
import { mulberry32, seedStream } from './seeds.js';

describe('seeds', () => {
  it('mulberry32 is deterministic and in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const values = Array.from({ length: 1000 }, () => a());
    expect(values).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });

  it('seedStream gives distinct integer seeds, the same for the same seed', () => {
    const s = seedStream(3);
    const seeds = Array.from({ length: 50 }, () => s());
    expect(new Set(seeds).size).toBe(50);
    expect(seeds.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 31)).toBe(true);
    const again = seedStream(3);
    expect(Array.from({ length: 50 }, () => again())).toEqual(seeds);
    expect(() => seedStream(NaN)).toThrow(/seedStream\(seed\)/);
  });
});
