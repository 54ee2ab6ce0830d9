import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig } from './config.js';
import { configHash, heatmapSigma, learningRateAt, seededPermutation } from './train.js';

describe('learningRateAt', () => {
  it('divides by 10 at the start of each decay epoch (1-based), as METHOD.md §6', () => {
    const config = mergeConfig(DEFAULT_CONFIG, { train: { learningRate: 5e-4, lrDecayEpochs: [5, 10], lrDecayFactor: 0.1 } });
    expect(learningRateAt(config, 0)).toBeCloseTo(5e-4, 12);
    expect(learningRateAt(config, 3)).toBeCloseTo(5e-4, 12);
    expect(learningRateAt(config, 4)).toBeCloseTo(5e-5, 12); // epoch 5
    expect(learningRateAt(config, 9)).toBeCloseTo(5e-6, 12); // epoch 10
  });
});

describe('heatmapSigma', () => {
  it('is 2 px at H = 64 scaled with H unless set', () => {
    expect(heatmapSigma(DEFAULT_CONFIG)).toBe(1); // small: H = 32
    expect(heatmapSigma(mergeConfig(DEFAULT_CONFIG, { model: { preset: 'paper' } }))).toBe(2);
    expect(heatmapSigma(mergeConfig(DEFAULT_CONFIG, { model: { sigma: 1.5 } }))).toBe(1.5);
  });
});

describe('configHash', () => {
  it('ignores the run name, folder and backend, not the training settings', () => {
    const a = configHash(DEFAULT_CONFIG);
    expect(configHash(mergeConfig(DEFAULT_CONFIG, { name: 'other', backend: 'cpu' }))).toBe(a);
    expect(configHash(mergeConfig(DEFAULT_CONFIG, { train: { lambda: 0.2 } }))).not.toBe(a);
  });
});

describe('seededPermutation', () => {
  it('is a permutation, the same for the same seed', () => {
    const p = seededPermutation(100, 5);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(seededPermutation(100, 5))).toEqual(Array.from(p));
    expect(Array.from(seededPermutation(100, 6))).not.toEqual(Array.from(p));
  });
});
