/**
 * Parallel inference of an exported model: the pooled heatmaps are the one-thread heatmaps,
 * bit for bit, whatever the batch's cut (uneven parts, an empty part); a folder that cannot be
 * loaded fails the start with its name; a closed pool refuses requests. Needs the built
 * dist/model-worker.js.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@g2rl/backend';
import { ALIGNMENT_TEMPLATE } from '@g2rl/face';
import { mulberry32 } from '@g2rl/common';
import { exportInferenceModel, loadInferenceModel } from '@g2rl/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config.js';
import { modelPredictor } from '../evaluate.js';
import { createRunTrainer } from '../train.js';
import { ModelPool } from './model-pool.js';

const AUS = [1, 2, 4, 5, 6, 9, 12, 15, 17, 20, 25, 26];
let root: string;
let modelDir: string;

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
  root = mkdtempSync(join(tmpdir(), 'g2rl-model-pool-'));
  modelDir = join(root, 'model');
  const trainer = createRunTrainer(resolveConfig({ preset: 'demo' }), AUS.length, 68);
  await exportInferenceModel(trainer.backbone, modelDir, {
    preset: 'small',
    aus: AUS,
    scheme: 'ibug68',
    input: { size: 128, range: [0, 1] },
    heatmap: { size: 32, sigma: 2, normalization: 'peak' },
    alignment: { template: ALIGNMENT_TEMPLATE, size: 128 },
  });
  trainer.dispose();
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('ModelPool', () => {
  it('gives the one-thread heatmaps bit for bit, for even, uneven and one-image batches', async () => {
    const { model } = await loadInferenceModel(modelDir);
    const pool = await ModelPool.start(modelDir, 1);
    try {
      const one = modelPredictor(model);
      const pooled = pool.predictor(model);
      for (const batchSize of [4, 5, 1]) {
        const random = mulberry32(30 + batchSize);
        const images = Float32Array.from({ length: batchSize * 128 * 128 * 3 }, () => random());
        const before = tf.memory().numTensors;
        const expected = await one(images, batchSize);
        const got = await pooled(images, batchSize);
        expect(got.length).toBe(expected.length);
        expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength))).toBe(true);
        expect(tf.memory().numTensors).toBe(before);
      }
      await pool.close();
      await expect(pooled(new Float32Array(2 * 128 * 128 * 3), 2)).rejects.toThrow(/pool closed/);
    } finally {
      await pool.close();
      model.dispose();
    }
  });

  it('names the folder when a thread cannot load the model', async () => {
    const missing = join(root, 'no-such-model');
    await expect(ModelPool.start(missing, 1)).rejects.toThrow(new RegExp(`parallel inference: could not load ${missing.replace(/[/\\]/g, '.')}`));
  });

  it('uses threads only on a single-threaded backend', () => {
    expect(ModelPool.threadsFor(1, 'wasm')).toBe(0);
    expect(ModelPool.threadsFor(3, 'wasm')).toBe(2);
    expect(ModelPool.threadsFor('auto', 'native')).toBe(0);
  });
});
