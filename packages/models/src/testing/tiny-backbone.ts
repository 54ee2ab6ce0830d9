import type { BackboneConfig } from '../backbone/config.js';

/**
 * A tiny backbone with the `small` preset's layout (32×32 input → 8×8 heatmaps), so that
 * behaviour tests run in milliseconds. Test support only; not exported.
 */
export const TINY_BACKBONE: BackboneConfig = {
  name: 'tiny',
  inputSize: 32,
  stem: { filters: 8, kernelSize: 3, stride: 2, maxPool: false },
  block: 'basic',
  stages: [
    { filters: 8, blocks: 1, stride: 2 },
    { filters: 16, blocks: 1, stride: 2 },
    { filters: 16, blocks: 1, stride: 2 },
  ],
  decoder: { upsampling: 'nearest', filters: [16, 8], skips: true },
};
