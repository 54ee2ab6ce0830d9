import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig } from './config.js';
import { configHash, learningRateAt, seededPermutation, trainingCodec } from './train.js';

describe('learningRateAt', () => {
  it('divides by 10 at the start of each decay epoch (1-based), as METHOD.md §6', () => {
    const config = mergeConfig(DEFAULT_CONFIG, { train: { learningRate: 5e-4, lrDecayEpochs: [5, 10], lrDecayFactor: 0.1 } });
    expect(learningRateAt(config, 0)).toBeCloseTo(5e-4, 12);
    expect(learningRateAt(config, 3)).toBeCloseTo(5e-4, 12);
    expect(learningRateAt(config, 4)).toBeCloseTo(5e-5, 12); // epoch 5
    expect(learningRateAt(config, 9)).toBeCloseTo(5e-6, 12); // epoch 10
  });
});

describe('trainingCodec', () => {
  it('σ is 2 px at H = 64 scaled with H unless set; S and H from the preset', () => {
    expect(trainingCodec(DEFAULT_CONFIG, [1, 2]).settings).toEqual({ inputSize: 128, heatmapSize: 32, aus: [1, 2], sigma: 1, normalization: 'peak' }); // small
    expect(trainingCodec(mergeConfig(DEFAULT_CONFIG, { model: { preset: 'paper' } }), [1]).sigma).toBe(2);
    expect(trainingCodec(mergeConfig(DEFAULT_CONFIG, { model: { sigma: 1.5 } }), [1]).sigma).toBe(1.5);
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
