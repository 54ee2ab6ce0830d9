import { describe, expect, it } from 'vitest';
import { seedStream } from './seeds.js';

describe('seeds', () => {
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
