/**
 * The replica pool against the main thread's own trainer: replicas stay bit-identical to it,
 * shard losses add up to the batch's, and the pooled predictor gives the trainer's heatmaps
 * (test/resume.test.ts: two runs with replicas agree bit for bit, and resume bit-exactly).
 * Needs the built dist/replica-worker.js.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@g2rl/backend';
import { type G2RLTrainer, type TrainingBatchArrays, syntheticTrainingBatch } from '@g2rl/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config.js';
import { createRunTrainer } from '../train.js';
import { ReplicaPool } from './replica-pool.js';

const config = resolveConfig({ preset: 'demo' });
const AUS = 12;
const LANDMARKS = 68;
const pools: ReplicaPool[] = [];

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

async function started(trainer: G2RLTrainer, ranks = 2): Promise<ReplicaPool> {
  const pool = await ReplicaPool.start({ ranks, config, aus: AUS, landmarks: LANDMARKS, backend: 'wasm', trainer });
  pools.push(pool);
  await pool.load(trainer);
  return pool;
}

/** A pretraining step and two training steps (uneven shards: 3 → 2 + 1), in and after the demo's projection warm-up. */
async function train(pool: ReplicaPool, trainer: G2RLTrainer): Promise<number[]> {
  const losses = [(await pool.pretrainStep(trainer, syntheticTrainingBatch(trainer.dims, 3, 10))).loss];
  for (let step = 0; step < 2; step++) {
    trainer.applySchedule(step);
    losses.push((await pool.trainStep(trainer, syntheticTrainingBatch(trainer.dims, 3, 20 + step))).loss);
  }
  return losses;
}

describe('ReplicaPool', () => {
  it('keeps every replica bit-identical to the main trainer, step after step', async () => {
    const trainer = createRunTrainer(config, AUS, LANDMARKS);
    const pool = await started(trainer);
    const losses = await train(pool, trainer);
    expect(losses.every(Number.isFinite)).toBe(true);
    const main = trainer.getState();
    expect(main.steps).toEqual({ train: 2, pretrain: 1 });
    const [replica] = await pool.replicaStates();
    expect(replica.models).toEqual(main.models);
    expect(replica.optimizers).toEqual(main.optimizers);
    // the first steps made Adam's moments; later steps leak nothing on the main thread
    const before = tf.memory().numTensors;
    await train(pool, trainer);
    expect(tf.memory().numTensors).toBe(before);
    expect((await pool.replicaStates())[0].models).toEqual(trainer.getState().models);
    trainer.dispose();
  }, 300_000);

  it('adds the shards’ losses up to the batch’s (a batch [X; X], whose halves have its batch-norm statistics)', async () => {
    const single = createRunTrainer(config, AUS, LANDMARKS);
    const pooled = createRunTrainer(config, AUS, LANDMARKS);
    const pool = await started(pooled);
    const x = syntheticTrainingBatch(single.dims, 3, 31);
    const twice = Object.fromEntries(
      Object.entries(x).map(([k, v]) => [k, v instanceof Float32Array ? Float32Array.from([...v, ...v]) : 2 * (v as number)]),
    ) as unknown as TrainingBatchArrays;
    single.applySchedule(1);
    pooled.applySchedule(1);
    const expected = await single.trainStep(twice);
    const got = await pool.trainStep(pooled, twice);
    for (const key of ['loss', 'ls', 'lg'] as const) expect(Math.abs(got[key] - expected[key]), key).toBeLessThanOrEqual(1e-6 * expected[key]);
    expect(got.lg).toBeGreaterThan(0);
    single.dispose();
    pooled.dispose();
  }, 300_000);

  it('predicts what the trainer predicts, bit for bit, over uneven parts', async () => {
    const trainer = createRunTrainer(config, AUS, LANDMARKS);
    const pool = await started(trainer);
    const { images } = syntheticTrainingBatch(trainer.dims, 5, 41);
    const pooled = await pool.predictor(trainer)(images, 5);
    expect(pooled).toEqual(await trainer.predict(images, 5));
    trainer.dispose();
  }, 300_000);

  it('reports a bad batch by field, and a failed replica on every later call', async () => {
    const trainer = createRunTrainer(config, AUS, LANDMARKS);
    const pool = await started(trainer);
    const batch = syntheticTrainingBatch(trainer.dims, 4, 51);
    await expect(pool.trainStep(trainer, { ...batch, weights: new Float32Array(3) })).rejects.toThrow(/splitTrainingBatch\(batch\.weights\)/);
    await pool.close();
    await expect(pool.trainStep(trainer, batch)).rejects.toThrow(/pool closed/);
    trainer.dispose();
  }, 300_000);
});
