// Test helpers (not part of the public API): a model whose heatmaps are known in advance,
// saved with @g2rl/models' exporter, so the tests can check the served numbers exactly.
import { mkdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { ALIGNMENT_TEMPLATE } from '@g2rl/face';
import { codecFromCard, heatmapToImage } from '@g2rl/heatmaps';
import { exportInferenceModel, type ModelCardInput } from '@g2rl/models';

export interface FixedModelSpec {
  aus: number[];
  /** Input side S. */
  size: number;
  /** Heatmap side H. */
  heatmapSize: number;
  sigma: number;
  /** K×2 points in heatmap pixels (x, y), flat. */
  points: number[];
  /** A intensities. */
  intensities: number[];
}

/**
 * Exports (exportInferenceModel) to `dir` a network B×S×S×3 → B×H×H×K whose output is always
 * the heatmaps the card's codec (`codecFromCard`) encodes for `points` and `intensities`
 * (global average pool → dense with a zero kernel and that bias → reshape).
 */
export async function writeFixedModel(dir: string, spec: FixedModelSpec): Promise<void> {
  const { size: S, heatmapSize: H, sigma, aus } = spec;
  const K = 2 * aus.length;
  const card: ModelCardInput = {
    preset: 'fixed-test',
    aus,
    scheme: 'ibug68',
    input: { size: S, range: [0, 1] },
    heatmap: { size: H, sigma, normalization: 'peak' },
    alignment: { template: ALIGNMENT_TEMPLATE, size: S },
    training: { note: 'a test model with constant output' },
  };
  // The codec takes crop pixels; the spec's points are heatmap pixels (exact here: S/H = 4).
  const { heatmaps } = codecFromCard(card).encode(heatmapToImage(spec.points, H, S), spec.intensities);
  const model = tf.sequential({
    layers: [
      tf.layers.globalAveragePooling2d({ inputShape: [S, S, 3] }),
      tf.layers.dense({ units: H * H * K, kernelInitializer: 'zeros', biasInitializer: 'zeros' }),
      tf.layers.reshape({ targetShape: [H, H, K] }),
    ],
  });
  const dense = model.layers[1]!;
  tf.tidy(() => dense.setWeights([tf.zeros([3, H * H * K]), tf.tensor1d(heatmaps)]));
  mkdirSync(dir, { recursive: true });
  await exportInferenceModel(model, dir, card);
  model.dispose();
}

/** The model most tests serve: AU1, AU12, AU25 at integer heatmap pixels, so decoding is exact. */
export const SPEC: FixedModelSpec = {
  aus: [1, 12, 25],
  size: 64,
  heatmapSize: 16,
  sigma: 0.5,
  points: [4, 3, 11, 3, 5, 11, 10, 11, 7, 13, 8, 13],
  intensities: [3, 1.5, 4],
};
