import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@g2rl/backend';
import { geometryLoss } from '@g2rl/losses';
import { beforeAll, describe, expect, it } from 'vitest';
import { G2RLTrainer, type G2RLTrainerOptions } from './g2rl-trainer.js';
import { syntheticTrainingBatch } from './synthetic-batch.js';
import { TINY_BACKBONE } from '../testing/tiny-backbone.js';
import { tinyTrainerOptions } from '../testing/tiny-trainer.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
});

const TINY = TINY_BACKBONE;

const tinyOptions = tinyTrainerOptions;

const tinyOptionsDims = () => {
  const probe = new G2RLTrainer(tinyOptions());
  const dims = probe.dims;
  probe.dispose();
  return dims;
};

const flatWeights = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

describe('G2RLTrainer', () => {
  it(`30 steps of 'small' on a fixed batch cut the loss by more than half (${'wasm'})`, async () => {
    expect(tf.getBackend()).toBe('wasm');
    const trainer = new G2RLTrainer({ aus: 12, seed: 3 });
    const batch = syntheticTrainingBatch(trainer.dims, 2, 5);
    for (let i = 0; i < 3; i++) await trainer.pretrainGeometryStep(batch);
    const losses: number[] = [];
    for (let i = 0; i < 30; i++) losses.push((await trainer.trainStep(batch)).loss);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[29]).toBeLessThan(losses[0] / 2);
    trainer.dispose();
  });

  it('leaks no tensors across training steps, pretraining steps and inference calls', async () => {
    const trainer = new G2RLTrainer(tinyOptions({ mode: 'joint' }));
    const batch = syntheticTrainingBatch(trainer.dims, 2, 2);
    // The first steps create the optimizers' moment variables.
    await trainer.pretrainGeometryStep(batch);
    await trainer.trainStep(batch);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await trainer.pretrainGeometryStep(batch);
      await trainer.trainStep(batch);
      await trainer.predict(batch.images, 2);
      await trainer.predictIntensitiesFromGeometry(batch.geometry, 2);
    }
    trainer.lambda = 0;
    await trainer.trainStep(batch);
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
  });

  it('pretraining reduces the landmark → intensity loss', async () => {
    const trainer = new G2RLTrainer(tinyOptions({ geometryLearningRate: 3e-3 }));
    const batch = syntheticTrainingBatch(trainer.dims, 4, 3);
    const first = (await trainer.pretrainGeometryStep(batch)).loss;
    let last = first;
    for (let i = 0; i < 40; i++) last = (await trainer.pretrainGeometryStep(batch)).loss;
    expect(last).toBeLessThan(first / 2);
    trainer.dispose();
  });

  it("freezes the encoder in 'pretrained-frozen' mode and trains it in 'joint' mode", async () => {
    for (const mode of ['pretrained-frozen', 'joint'] as const) {
      const trainer = new G2RLTrainer(tinyOptions({ mode }));
      const batch = syntheticTrainingBatch(trainer.dims, 2, 4);
      const encoder = flatWeights(trainer.geometryEncoder);
      const projection = flatWeights(trainer.projection);
      const result = await trainer.trainStep(batch);
      expect(flatWeights(trainer.projection)).not.toEqual(projection);
      if (mode === 'joint') {
        expect(flatWeights(trainer.geometryEncoder)).not.toEqual(encoder);
        expect(result.li).toBeGreaterThan(0);
      } else {
        expect(flatWeights(trainer.geometryEncoder)).toEqual(encoder);
        expect(result.li).toBe(0);
      }
      trainer.dispose();
    }
  });

  it('with λ = 0 skips the geometry branch: no landmarks needed, W untouched, lg = 0, loss = ls', async () => {
    const trainer = new G2RLTrainer(tinyOptions({ lambda: 0 }));
    const { images, heatmaps, weights } = syntheticTrainingBatch(trainer.dims, 2, 6);
    const projection = flatWeights(trainer.projection);
    const result = await trainer.trainStep({ images, heatmaps, weights } as never);
    expect(result.lg).toBe(0);
    expect(result.loss).toBe(result.ls);
    expect(flatWeights(trainer.projection)).toEqual(projection);
    trainer.dispose();
  });

  it('combines the losses as λ·L_G + (1 − λ)·L_S', async () => {
    const trainer = new G2RLTrainer(tinyOptions({ lambda: 0.3 }));
    const result = await trainer.trainStep(syntheticTrainingBatch(trainer.dims, 2, 7));
    expect(result.loss).toBeCloseTo(0.3 * result.lg + 0.7 * result.ls, 4);
    trainer.dispose();
  });

  it('L_G sends non-zero gradients into the backbone (every weight before the heatmap head)', () => {
    const trainer = new G2RLTrainer(tinyOptions());
    const batch = syntheticTrainingBatch(trainer.dims, 2, 8);
    const images = tf.tensor4d(batch.images, [2, 32, 32, 3]);
    const g = tf.randomNormal([2, 6], 0, 1, 'float32', 1);
    const variables = trainer.backbone.trainableWeights.filter((w) => !w.originalName.startsWith('heatmaps/'));
    const { grads } = tf.variableGrads(() => {
      const [features] = trainer.backbone.apply(images, { training: true }) as tf.Tensor[];
      return geometryLoss(g, trainer.projection.apply(features) as tf.Tensor);
    }, variables.map((w) => w.read() as tf.Variable));
    expect(Object.keys(grads)).toHaveLength(variables.length);
    for (const w of variables) {
      const values = grads[(w.read() as tf.Variable).name].dataSync();
      expect(values.some((v) => v !== 0), w.originalName).toBe(true);
    }
    tf.dispose([images, g, ...Object.values(grads)]);
    trainer.dispose();
  });

  it('fitGeometryScale standardises the L_G target: per-dimension mean and std of G, hand-checked', async () => {
    const trainer = new G2RLTrainer(tinyOptions({ lambda: 0.5 }));
    const batch = syntheticTrainingBatch(trainer.dims, 4, 11);
    const raw = tf.tidy(() => trainer.geometryEncoder.apply(tf.tensor3d(batch.geometry, [4, 10, 2]), { training: false }) as tf.Tensor);
    const g = Array.from(await raw.data());
    raw.dispose();
    const scale = await trainer.fitGeometryScale(batch.geometry, 4);
    const D = 6;
    for (let d = 0; d < D; d++) {
      const column = [0, 1, 2, 3].map((i) => g[i * D + d]);
      const mean = column.reduce((s, v) => s + v, 0) / 4;
      const std = Math.sqrt(column.reduce((s, v) => s + (v - mean) ** 2, 0) / 4);
      expect(scale.mean[d]).toBeCloseTo(mean, 5);
      expect(scale.std[d]).toBeCloseTo(Math.max(std, 1e-3 * Math.max(...scale.std)), 5);
    }
    // With Ĝ = W×M, L_G is now the mean of ((G − μ)/σ − Ĝ)²: check against the loss the step reports.
    const images = tf.tensor4d(batch.images, [4, 32, 32, 3]);
    const gHat = tf.tidy(() => trainer.projection.apply((trainer.backbone.apply(images, { training: true }) as tf.Tensor[])[0]) as tf.Tensor);
    const predicted = Array.from(await gHat.data());
    tf.dispose([images, gHat]);
    let expected = 0;
    for (let i = 0; i < 4 * D; i++) expected += ((g[i] - scale.mean[i % D]) / scale.std[i % D] - predicted[i]) ** 2 / (4 * D);
    const result = await trainer.trainStep(batch);
    expect(result.lg).toBeCloseTo(expected, 4);
    const before = tf.memory().numTensors; // after the first step made Adam's moments
    await trainer.trainStep(batch);
    expect(tf.memory().numTensors).toBe(before);
    // The statistics travel with the state.
    const resumed = new G2RLTrainer(tinyOptions({ lambda: 0.5, seed: 5 }));
    resumed.setState(structuredClone(trainer.getState()));
    expect(resumed.geometryScale).toEqual(trainer.geometryScale);
    [trainer, resumed].forEach((t) => t.dispose());
  });

  it('geometryReachesBackbone = false fits W alone: the backbone moves as under L_S only', async () => {
    const batch = syntheticTrainingBatch(tinyOptionsDims(), 2, 12);
    const detached = new G2RLTrainer(tinyOptions({ lambda: 0.5 }));
    detached.geometryReachesBackbone = false;
    const plain = new G2RLTrainer(tinyOptions({ lambda: 0 }));
    const attached = new G2RLTrainer(tinyOptions({ lambda: 0.5 }));
    const projectionBefore = flatWeights(detached.projection);
    const backboneBefore = flatWeights(plain.backbone);
    const results = [];
    for (const trainer of [detached, plain, attached]) results.push(await trainer.trainStep(batch));
    expect(results[0].lg).toBeGreaterThan(0);
    expect(flatWeights(detached.projection)).not.toEqual(projectionBefore);
    // Adam's first step is lr·g/(|g| + ε): its sign is the gradient's. (1 − λ)·∇L_S has the
    // signs of ∇L_S, so the detached backbone moves in the same direction as the λ = 0 one,
    // element by element; with L_G attached some elements move the other way.
    const signs = (trainer: G2RLTrainer) => flatWeights(trainer.backbone).flatMap((w, i) => w.map((v, j) => Math.sign(v - backboneBefore[i][j])));
    const reference = signs(plain);
    const disagreements = (trainer: G2RLTrainer) => signs(trainer).filter((s, k) => reference[k] !== 0 && s !== reference[k]).length;
    expect(reference.filter((s) => s !== 0).length).toBeGreaterThan(100);
    expect(disagreements(detached)).toBe(0);
    expect(disagreements(attached)).toBeGreaterThan(0);
    [detached, plain, attached].forEach((t) => t.dispose());
  });

  it('applySchedule sets learning rate, λ and geometryReachesBackbone per epoch; the last travels with the state', () => {
    const trainer = new G2RLTrainer(tinyOptions({ learningRate: 2e-3, lrDecayEpochs: [3], lrDecayFactor: 0.1, lambda: 1e-4, projectionWarmupEpochs: 1 }));
    trainer.applySchedule(0);
    expect([trainer.learningRate, trainer.lambda, trainer.geometryReachesBackbone]).toEqual([2e-3, 1e-4, false]);
    const resumed = new G2RLTrainer(tinyOptions());
    resumed.setState(structuredClone(trainer.getState()));
    expect(resumed.geometryReachesBackbone).toBe(false);
    trainer.applySchedule(2);
    expect(trainer.learningRate).toBeCloseTo(2e-4, 12);
    expect(trainer.geometryReachesBackbone).toBe(true);
    expect(() => trainer.applySchedule(-1)).toThrow(/applySchedule\(epoch\)/);
    expect(() => new G2RLTrainer(tinyOptions({ projectionWarmupEpochs: 0.5 }))).toThrow(/G2RLTrainer\(projectionWarmupEpochs\)/);
    [trainer, resumed].forEach((t) => t.dispose());
  });

  it('initialises from its seed: same seed, same weights; another seed, other weights', () => {
    const a = new G2RLTrainer(tinyOptions({ seed: 9 }));
    const b = new G2RLTrainer(tinyOptions({ seed: 9 }));
    const c = new G2RLTrainer(tinyOptions({ seed: 10 }));
    for (const key of ['backbone', 'geometryEncoder', 'projection', 'intensityHead'] as const) {
      expect(flatWeights(a[key])).toEqual(flatWeights(b[key]));
      expect(flatWeights(a[key])).not.toEqual(flatWeights(c[key]));
    }
    [a, b, c].forEach((t) => t.dispose());
  });

  it('resumes bit-exactly from getState()/setState() (through structuredClone)', async () => {
    const options = tinyOptions({ mode: 'joint' });
    const original = new G2RLTrainer(options);
    const batch = syntheticTrainingBatch(original.dims, 2, 9);
    const other = syntheticTrainingBatch(original.dims, 2, 10);
    await original.pretrainGeometryStep(batch);
    await original.trainStep(batch);
    original.setLearningRate(5e-4);
    const saved = structuredClone(original.getState());
    expect(saved.steps).toEqual({ train: 1, pretrain: 1 });

    const resumed = new G2RLTrainer({ ...options, seed: 77 });
    resumed.setState(saved);
    expect(resumed.learningRate).toBe(5e-4);
    for (const trainer of [original, resumed]) {
      await trainer.trainStep(other);
      await trainer.pretrainGeometryStep(other);
      await trainer.trainStep(batch);
    }
    const a = original.getState();
    const b = resumed.getState();
    expect(b.steps).toEqual({ train: 3, pretrain: 2 });
    expect(b.models).toEqual(a.models);
    expect(b.optimizers).toEqual(a.optimizers);
    original.dispose();
    resumed.dispose();
  });

  it('setLearningRate(0) leaves every trainable weight unchanged', async () => {
    const trainer = new G2RLTrainer(tinyOptions());
    trainer.setLearningRate(0);
    const before = trainer.backbone.trainableWeights.map((w) => Array.from(w.read().dataSync()));
    await trainer.trainStep(syntheticTrainingBatch(trainer.dims, 2, 11));
    expect(trainer.backbone.trainableWeights.map((w) => Array.from(w.read().dataSync()))).toEqual(before);
    trainer.dispose();
  });

  it('names the field and the expected size on a bad batch or option', async () => {
    const trainer = new G2RLTrainer(tinyOptions());
    const batch = syntheticTrainingBatch(trainer.dims, 2, 12);
    await expect(trainer.trainStep({ ...batch, weights: new Float32Array(5) })).rejects.toThrow(
      /trainStep\(batch\.weights\): expected 12 values \(B×K = 6 with B = 2\), got 5/,
    );
    await expect(trainer.trainStep({ ...batch, geometry: undefined } as never)).rejects.toThrow(/batch\.geometry/);
    expect(() => new G2RLTrainer(tinyOptions({ lambda: 2 }))).toThrow(/G2RLTrainer\(lambda\)/);
    expect(() => trainer.setState({ format: 'x' } as never)).toThrow(/state\.format/);
    trainer.dispose();
    await expect(trainer.trainStep(batch)).rejects.toThrow(/used after dispose/);
  });
});
