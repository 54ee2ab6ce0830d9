import { describe, expect, it } from 'vitest';
import { SYNTHETIC_AUS } from './action-units.js';
import { sampleRestingFaceBias, withRestingFaceBias } from './resting-face-bias.js';
import { syntheticRng } from './rng.js';

describe('resting-face bias', () => {
  it('is reproducible per seed, within [0.3·max, max] where set, about `probability` of the AUs', () => {
    const a = sampleRestingFaceBias(syntheticRng(7), { maxLevel: 2 });
    expect(Array.from(a)).toEqual(Array.from(sampleRestingFaceBias(syntheticRng(7), { maxLevel: 2 })));
    expect(a).toHaveLength(SYNTHETIC_AUS.length);
    let set = 0;
    const rng = syntheticRng(1);
    for (let i = 0; i < 200; i++) for (const v of sampleRestingFaceBias(rng, { maxLevel: 2, probability: 0.35 })) {
      if (v === 0) continue;
      set++;
      expect(v).toBeGreaterThanOrEqual(0.6);
      expect(v).toBeLessThanOrEqual(2);
    }
    expect(set / (200 * 12)).toBeGreaterThan(0.3);
    expect(set / (200 * 12)).toBeLessThan(0.4);
  });

  it('adds the bias and clips to [0, 5]; names a length mismatch', () => {
    expect(Array.from(withRestingFaceBias([0, 4.5, 2], [1, 1, 0]))).toEqual([1, 5, 2]);
    expect(() => withRestingFaceBias([0], [1, 2])).toThrow(/1 intensities but 2 bias values/);
    expect(() => sampleRestingFaceBias(syntheticRng(1), { maxLevel: 6 })).toThrow(/maxLevel must be in \[0, 5\]/);
  });
});
