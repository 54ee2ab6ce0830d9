/**
 * The geometry branch's own training, before the backbone's: the encoder pretrained on
 * landmarks → intensities (docs/method.md §3), and the fit of the L_G target's per-dimension
 * scale on the training frames.
 */
import type { AlignedCropCache, Sample } from '@g2rl/datasets';
import { geometryFeatures } from '@g2rl/heatmaps';
import type { G2RLTrainer } from '@g2rl/models';
import type { TrainConfig } from './config.js';
import type { LoadedData } from './data.js';
import type { HistoryPoint } from './history.js';
import type { ReplicaPool } from './parallel/replica-pool.js';
import type { Reporter } from './progress.js';
import { seededPermutation } from '@g2rl/common';
import { yieldToEventLoop } from './stop.js';

/** The geometry encoder's input for each sample, from its cached aligned landmarks: `count×N×2`. */
export function trainingGeometry(cache: AlignedCropCache, samples: Sample[], data: LoadedData): Float32Array {
  const N = cache.landmarkCount;
  const row = new Map(cache.ids.map((id, i) => [id, i]));
  const geometry = new Float32Array(samples.length * N * 2);
  samples.forEach((sample, i) => {
    const r = row.get(sample.id)!;
    geometry.set(geometryFeatures(cache.landmarks.subarray(r * N * 2, (r + 1) * N * 2), data.scheme), i * N * 2);
  });
  return geometry;
}

/** With `train.geometryTarget` 'standardized' and λ > 0, fits the L_G target's per-dimension scale on the training frames. */
export async function fitGeometryTarget(trainer: G2RLTrainer, cache: AlignedCropCache, samples: Sample[], data: LoadedData, config: TrainConfig): Promise<void> {
  if (config.train.lambda <= 0 || config.train.geometryTarget !== 'standardized') return;
  await trainer.fitGeometryScale(trainingGeometry(cache, samples, data), samples.length);
}

/**
 * Geometry pretraining epochs [from, geometryEpochs): minibatches of up to 256 aligned
 * landmark sets (the GCN is small: per-op overhead sets much of the pace, so large batches
 * are much faster per epoch; on wasm its batched matMuls take ~80 % of a step, time ∝ batch),
 * shuffled by seed and epoch; each split over the
 * data-parallel replicas when there are some (the encoder has no batch norm, so that changes
 * only the rounding of the gradient's sums).
 * @param stopNow called after each epoch; true ends pretraining there
 * @returns the next epoch to run (`geometryEpochs` when finished)
 */
export async function pretrainGeometry(options: {
  trainer: G2RLTrainer;
  cache: AlignedCropCache;
  samples: Sample[];
  data: LoadedData;
  config: TrainConfig;
  from: number;
  history: HistoryPoint[];
  reporter: Reporter;
  stopNow: () => boolean;
  /** Data-parallel replicas of `trainer` (already loaded with its state), or none: one process. */
  pool?: ReplicaPool | null;
}): Promise<number> {
  const { trainer, cache, samples, data, config, history, reporter, stopNow, pool } = options;
  const count = samples.length;
  const N = cache.landmarkCount;
  const A = data.aus.length;
  const geometry = trainingGeometry(cache, samples, data);
  const intensities = new Float32Array(count * A);
  samples.forEach((sample, i) => {
    data.aus.forEach((au, a) => (intensities[i * A + a] = sample.intensities[sample.aus.indexOf(au)]));
  });
  const batch = Math.min(256, count);
  const steps = Math.ceil(count / batch);
  const epochs = config.train.geometryEpochs;
  for (let epoch = options.from; epoch < epochs; epoch++) {
    const order = seededPermutation(count, (config.seed * 7919 + epoch) >>> 0);
    const started = Date.now();
    let sum = 0;
    for (let step = 0; step < steps; step++) {
      const idx = order.subarray(step * batch, Math.min(count, (step + 1) * batch));
      const g = new Float32Array(idx.length * N * 2);
      const y = new Float32Array(idx.length * A);
      idx.forEach((s, j) => {
        g.set(geometry.subarray(s * N * 2, (s + 1) * N * 2), j * N * 2);
        y.set(intensities.subarray(s * A, (s + 1) * A), j * A);
      });
      const batchOf = { geometry: g, intensities: y, batchSize: idx.length };
      const { loss } = pool ? await pool.pretrainStep(trainer, batchOf) : await trainer.pretrainGeometryStep(batchOf);
      sum += loss;
    }
    await yieldToEventLoop();
    const loss = sum / steps;
    history.push({ phase: 'pretrain', epoch: epoch + 1, step: trainer.steps.pretrain, loss });
    const event = { phase: 'geometry', epoch: epoch + 1, epochs, step: steps, steps, values: { loss }, imagesPerSecond: count / Math.max(1e-3, (Date.now() - started) / 1000) };
    reporter.endEpoch(event);
    if (stopNow()) return epoch + 1;
  }
  return epochs;
}
