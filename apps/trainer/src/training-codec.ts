import { createHeatmapCodec, type HeatmapCodec } from '@g2rl/heatmaps';
import { backboneSizes } from '@g2rl/models';
import type { TrainConfig } from './config.js';

/** The input size S and heatmap size H of a preset, as the backbone presets of @g2rl/models define them. */
export function presetSizes(preset: TrainConfig['model']['preset']): { size: number; heatmapSize: number } {
  const { inputSize, heatmapSize } = backboneSizes(preset);
  return { size: inputSize, heatmapSize };
}

/**
 * The heatmap codec of a run: the preset's S and H, the config's σ (default: the codec's,
 * docs/method.md §2's 2 pixels at H = 64 scaled with H), peak normalisation, and the config's
 * `L_S` weight of active channels (`train.activeChannelWeight`).
 */
export function trainingCodec(config: TrainConfig, aus: readonly number[]): HeatmapCodec {
  const { size, heatmapSize } = presetSizes(config.model.preset);
  return createHeatmapCodec({ inputSize: size, heatmapSize, aus, sigma: config.model.sigma ?? undefined, normalization: 'peak', activeWeight: config.train.activeChannelWeight });
}
