import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig } from './config.js';
import { presetSizes, trainingCodec } from './training-codec.js';

describe('trainingCodec', () => {
  it('σ is 2 px at H = 64 scaled with H unless set; S and H from the preset', () => {
    expect(trainingCodec(DEFAULT_CONFIG, [1, 2]).settings).toEqual({ inputSize: 128, heatmapSize: 32, aus: [1, 2], sigma: 1, normalization: 'peak', activeWeight: 1, value: 'window', scale: [1, 1] }); // small
    expect(trainingCodec(mergeConfig(DEFAULT_CONFIG, { model: { preset: 'paper' } }), [1]).sigma).toBe(2);
    expect(trainingCodec(mergeConfig(DEFAULT_CONFIG, { model: { sigma: 1.5 } }), [1]).sigma).toBe(1.5);
  });

  it('train.activeChannelWeight is the weight of active AU channels in the training targets', () => {
    const codec = trainingCodec(mergeConfig(DEFAULT_CONFIG, { train: { activeChannelWeight: 3 } }), [1, 2]);
    expect(codec.settings.activeWeight).toBe(3);
    const points = Float32Array.from([40, 50, 80, 50, 45, 90, 83, 91]);
    expect(Array.from(codec.encode(points, Float32Array.from([2, 0])).weights)).toEqual([3, 3, 1, 1]);
  });

  it("reads S and H from @g2rl/models' backbone presets", () => {
    expect(presetSizes('small')).toEqual({ size: 128, heatmapSize: 32 });
    expect(presetSizes('paper')).toEqual({ size: 256, heatmapSize: 64 });
  });
});
