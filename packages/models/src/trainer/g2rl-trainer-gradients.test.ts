/**
 * The data-parallel half of G2RLTrainer: gradients without applying them, applying given
 * gradients, shard shares, and the batch-norm statistics (docs/method.md §4).
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@g2rl/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { tinyTrainerOptions } from '../testing/tiny-trainer.js';
import { splitTrainingBatch } from './batch-shards.js';
import { G2RLTrainer } from './g2rl-trainer.js';
import { syntheticTrainingBatch } from './synthetic-batch.js';
import type { TrainingBatchArrays } from './batch.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
});

const options = tinyTrainerOptions;
const FIELDS = ['images', 'heatmaps', 'weights', 'geometry', 'intensities'] as const;

/** The batch twice over, [X; X]: each half has the whole batch's batch-norm statistics. */
function doubled(batch: Required<TrainingBatchArrays>): Required<TrainingBatchArrays> {
  const twice = (a: Float32Array) => {
    const out = new Float32Array(2 * a.length);
    out.set(a);
    out.set(a, a.length);
    return out;
  };
  return { images: twice(batch.images), heatmaps: twice(batch.heatmaps), weights: twice(batch.weights), geometry: twice(batch.geometry), intensities: twice(batch.intensities), batchSize: 2 * batch.batchSize };
}

/** max |a − b| / max |b| */
const relativeError = (a: Float32Array, b: Float32Array) => {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
};

const sum = (parts: Float32Array[]) => parts.reduce((out, p) => (p.forEach((v, i) => (out[i] += v)), out), new Float32Array(parts[0].length));

describe('G2RLTrainer gradients without applying them', () => {
  it('trainGradients + applyTrainGradients is trainStep, bit for bit (both modes, with and without λ)', async () => {
    for (const extra of [{ mode: 'pretrained-frozen' as const }, { mode: 'joint' as const }, { lambda: 0 }]) {
      const a = new G2RLTrainer(options(extra));
      const b = new G2RLTrainer(options(extra));
      for (let step = 0; step < 3; step++) {
        const batch = syntheticTrainingBatch(a.dims, 3, 20 + step);
        const expected = await a.trainStep(batch);
        const { losses, gradients } = await b.trainGradients(batch);
        b.applyTrainGradients(gradients);
        expect(losses).toEqual(expected);
      }
      const [sa, sb] = [a.getState(), b.getState()];
      expect(sb.models).toEqual(sa.models);
      expect(sb.optimizers).toEqual(sa.optimizers);
      a.dispose();
      b.dispose();
    }
  });

  it('pretrainGradients + applyPretrainGradients is pretrainGeometryStep, bit for bit', async () => {
    const a = new G2RLTrainer(options());
    const b = new G2RLTrainer(options());
    for (let step = 0; step < 3; step++) {
      const batch = syntheticTrainingBatch(a.dims, 5, 30 + step);
      const expected = await a.pretrainGeometryStep(batch);
      const { loss, gradients } = await b.pretrainGradients(batch);
      b.applyPretrainGradients(gradients);
      expect(loss).toBe(expected.loss);
    }
    expect(b.getState().models).toEqual(a.getState().models);
    a.dispose();
    b.dispose();
  });

  it('pretraining shards (uneven, with missing labels) sum to the whole batch: loss and gradients', async () => {
    const trainer = new G2RLTrainer(options());
    const batch = syntheticTrainingBatch(trainer.dims, 7, 41);
    expect(Array.from(batch.intensities).some(Number.isNaN)).toBe(true);
    const whole = await trainer.pretrainGradients(batch);
    const shards = splitTrainingBatch(batch, trainer.dims, 3, ['geometry', 'intensities']).map((s) => s!);
    const parts = await Promise.all(shards.map((s) => trainer.pretrainGradients(s.batch, { share: s.share })));
    expect(parts.reduce((n, p) => n + p.loss, 0)).toBeCloseTo(whole.loss, 5);
    expect(relativeError(sum(parts.map((p) => p.gradients.values)), whole.gradients.values)).toBeLessThan(1e-5);
    trainer.dispose();
  });

  it('training shards with the whole batch statistics ([X; X]) sum to the whole batch: losses and gradients', async () => {
    const trainer = new G2RLTrainer(options({ mode: 'joint' }));
    const batch = doubled(syntheticTrainingBatch(trainer.dims, 2, 42));
    const stats = trainer.readStatistics('train');
    const whole = await trainer.trainGradients(batch);
    const wholeStats = trainer.readStatistics('train');
    const shards = splitTrainingBatch(batch, trainer.dims, 2, FIELDS).map((s) => s!);
    expect(shards.map((s) => s.share)).toEqual([{ samples: 0.5, heatmap: 0.5, labelled: 0.5 }, { samples: 0.5, heatmap: 0.5, labelled: 0.5 }]);
    const parts = [];
    for (const s of shards) {
      trainer.writeStatistics('train', stats);
      parts.push(await trainer.trainGradients(s.batch, { share: s.share }));
    }
    for (const key of ['loss', 'ls', 'lg', 'li'] as const) {
      const total = parts[0].losses[key] + parts[1].losses[key];
      expect(Math.abs(total - whole.losses[key]), key).toBeLessThanOrEqual(1e-6 * Math.max(1, whole.losses[key]));
    }
    expect(whole.losses.li).toBeGreaterThan(0);
    expect(relativeError(sum(parts.map((p) => p.gradients.values)), whole.gradients.values)).toBeLessThan(1e-4);
    // Each shard moved the moving statistics as the whole batch did.
    expect(relativeError(trainer.readStatistics('train'), wholeStats)).toBeLessThan(1e-5);
    trainer.dispose();
  });

  it('reads and writes the batch-norm moving statistics; pretraining has none here', async () => {
    const trainer = new G2RLTrainer(options());
    const { statistics, gradients } = trainer.bufferSizes;
    const stats = trainer.readStatistics('train');
    // moving mean and variance of every batch norm of the tiny backbone
    const expected = trainer.backbone.nonTrainableWeights.reduce((n, w) => n + w.read().size, 0);
    expect(stats.length).toBe(expected);
    expect(trainer.statisticsSize('train')).toBe(expected);
    expect(trainer.statisticsSize('pretrain')).toBe(0);
    expect(statistics).toBe(expected);
    expect(trainer.readStatistics('pretrain').length).toBe(0);
    expect(trainer.gradientSize('train')).toBeLessThanOrEqual(gradients);
    expect(trainer.gradientSize('train')).toBe(trainer.trainVariables().reduce((n, v) => n + v.variable.size, 0));
    const changed = Float32Array.from(stats, (_, i) => i / 7);
    trainer.writeStatistics('train', changed);
    expect(trainer.readStatistics('train')).toEqual(changed);
    const before = tf.memory().numTensors;
    const into = new Float32Array(stats.length + 3);
    expect(trainer.readStatistics('train', into).subarray(0, stats.length)).toEqual(changed);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => trainer.writeStatistics('train', new Float32Array(3))).toThrow(/writeStatistics\(values\): too short/);
    trainer.dispose();
  });

  it('leaks no tensors', async () => {
    const trainer = new G2RLTrainer(options({ mode: 'joint' }));
    const batch = syntheticTrainingBatch(trainer.dims, 2, 43);
    trainer.applyTrainGradients((await trainer.trainGradients(batch)).gradients);
    trainer.applyPretrainGradients((await trainer.pretrainGradients(batch)).gradients);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) {
      trainer.applyTrainGradients((await trainer.trainGradients(batch)).gradients);
      trainer.applyPretrainGradients((await trainer.pretrainGradients(batch)).gradients);
    }
    await expect(trainer.trainGradients({ ...batch, weights: new Float32Array(1) })).rejects.toThrow(/batch\.weights/);
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
  });
});
