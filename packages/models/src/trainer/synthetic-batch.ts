import { mulberry32 } from '@g2rl/common';
import type { BatchDimensions, TrainingBatchArrays } from './batch.js';

/**
 * A seeded synthetic training batch with the right shapes and plausible content (for tests
 * and benchmarks, not for learning anything): random images, one Gaussian peak per heatmap
 * channel scaled by its AU's intensity, jittered landmark features, some labels missing.
 */
export function syntheticTrainingBatch(dims: BatchDimensions, batchSize: number, seed = 1): Required<TrainingBatchArrays> {
  const random = mulberry32(seed);
  const { inputSize: S, heatmapSize: H, keypoints: K, landmarks: N, aus: A } = dims;
  const images = Float32Array.from({ length: batchSize * S * S * 3 }, () => random());
  const intensities = Float32Array.from({ length: batchSize * A }, () => (random() < 0.1 ? NaN : random() * 5));
  const weights = new Float32Array(batchSize * K);
  const heatmaps = new Float32Array(batchSize * H * H * K);
  const sigma = (2 * H) / 64;
  for (let b = 0; b < batchSize; b++) {
    for (let k = 0; k < K; k++) {
      const intensity = intensities[b * A + Math.floor(k / 2)];
      if (Number.isNaN(intensity)) continue;
      weights[b * K + k] = 1;
      const cx = random() * H;
      const cy = random() * H;
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < H; j++) {
          const d2 = (i - cy) ** 2 + (j - cx) ** 2;
          heatmaps[((b * H + i) * H + j) * K + k] = intensity * Math.exp(-d2 / (2 * sigma * sigma));
        }
      }
    }
  }
  const geometry = Float32Array.from({ length: batchSize * N * 2 }, (_, i) => Math.sin(i * 0.37) * 1.5 + (random() - 0.5) * 0.1);
  return { images, heatmaps, weights, geometry, intensities, batchSize };
}
