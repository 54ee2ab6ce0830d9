// Test helpers (not part of the public API): a model whose heatmaps are known in advance,
// saved in the exported-model layout, so the tests can check the served numbers exactly.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { encodeHeatmaps } from '@g2rl/heatmaps';

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
 * Writes `dir/model.json`, `dir/weights.bin` and `dir/model-card.json` for a network
 * B×S×S×3 → B×H×H×K whose output is always the heatmaps `encodeHeatmaps(points,
 * intensities)` (global average pool → dense with a zero kernel and that bias → reshape).
 */
export async function writeFixedModel(dir: string, spec: FixedModelSpec): Promise<void> {
  const { size: S, heatmapSize: H, sigma, aus } = spec;
  const K = 2 * aus.length;
  const { heatmaps } = encodeHeatmaps(spec.points, spec.intensities, { height: H, width: H, sigma, normalization: 'peak' });
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
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const weights = Buffer.from(artifacts.weightData as ArrayBuffer);
    writeFileSync(join(dir, 'weights.bin'), weights);
    writeFileSync(join(dir, 'model.json'), JSON.stringify({
      format: 'layers-model',
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  model.dispose();
  writeFileSync(join(dir, 'model-card.json'), JSON.stringify({
    format: 'g2rl-model-card/1',
    preset: 'fixed-test',
    aus,
    scheme: 'ibug68',
    input: { size: S, range: [0, 1] },
    heatmap: { size: H, sigma, normalization: 'peak' },
    alignment: { template: 'ibug68-mean', size: S },
    training: { note: 'a test model with constant output' },
  }, null, 2));
}
