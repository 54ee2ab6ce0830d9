import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig } from './config.js';
import { presetSizes, trainingCodec } from './training-codec.js';

describe('trainingCodec', () => {
  it('σ is 2 px at H = 64 scaled with H unless set; S and H from the preset', () => {
    expect(trainingCodec(DEFAULT_CONFIG, [1, 2]).settings).toEqual({ inputSize: 128, heatmapSize: 32, aus: [1, 2], sigma: 1, normalization: 'peak' }); // small
    expect(trainingCodec(mergeConfig(DEFAULT_CONFIG, { model: { preset: 'paper' } }), [1]).sigma).toBe(2);
    expect(trainingCodec(mergeConfig(DEFAULT_CONFIG, { model: { sigma: 1.5 } }), [1]).sigma).toBe(1.5);
  });

  it("reads S and H from @g2rl/models' backbone presets", () => {
    expect(presetSizes('small')).toEqual({ size: 128, heatmapSize: 32 });
    expect(presetSizes('paper')).toEqual({ size: 256, heatmapSize: 64 });
  });
});
