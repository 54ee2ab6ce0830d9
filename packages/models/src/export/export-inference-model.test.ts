import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackbone } from '../backbone/create-backbone.js';
import { exportInferenceModel, loadInferenceModel, type ModelCardInput } from './export-inference-model.js';
import { fileSystemIO } from './file-system-io.js';
import { TINY_BACKBONE } from '../testing/tiny-backbone.js';

const TINY = TINY_BACKBONE;

const card: ModelCardInput = {
  preset: 'tiny',
  aus: [1, 2, 4],
  scheme: 'ibug68',
  input: { size: 32, range: [0, 1] },
  heatmap: { size: 8, sigma: 0.25, normalization: 'peak' },
  alignment: { template: 'ibug68-mean', size: 32 },
  training: { data: 'synthetic', seed: 1 },
};

let root: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  root = mkdtempSync(join(tmpdir(), 'g2rl-export-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * A backbone whose batch-norm statistics are not the defaults, so loading them matters, and
 * whose heatmaps are not all 0 (moving means of 0.5–1.5 used to switch every ReLU off, so the
 * outputs compared were zeros), the head scaled up from its near-zero start.
 */
function trainedLookingBackbone(seed: number, fusedBatchNorm = false) {
  const backbone = createBackbone(TINY, { keypoints: 6, seed, fusedBatchNorm });
  tf.tidy(() => {
    for (const weight of backbone.weights) {
      const shape = weight.shape as number[];
      if (weight.originalName.endsWith('moving_mean')) weight.write(tf.randomUniform(shape, -0.2, 0.2, 'float32', seed));
      if (weight.originalName.endsWith('moving_variance')) weight.write(tf.randomUniform(shape, 0.5, 1.5, 'float32', seed + 1));
      if (weight.originalName.startsWith('heatmaps/kernel')) weight.write(tf.mul(weight.read(), 1000));
    }
  });
  return backbone;
}

const maxAbs = (values: ArrayLike<number>): number => Array.from(values).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('exportInferenceModel / loadInferenceModel', () => {
  it('save → load gives identical outputs, and only the heatmaps output', async () => {
    const backbone = trainedLookingBackbone(3);
    const dir = join(root, 'a');
    const written = await exportInferenceModel(backbone, dir, card);
    expect(written.versions['@g2rl/models']).toBeDefined();
    expect(written.metrics).toEqual({});

    const images = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 4);
    const expected = (backbone.predict(images) as tf.Tensor[])[1];
    const { model, card: loadedCard } = await loadInferenceModel(dir, { foldBatchNorms: false });
    expect(loadedCard).toEqual(written);
    expect(model.outputs).toHaveLength(1);
    const actual = model.predict(images) as tf.Tensor;
    expect(actual.shape).toEqual([2, 8, 8, 6]);
    expect(maxAbs(await expected.data())).toBeGreaterThan(1e-3);
    expect(Array.from(await actual.data())).toEqual(Array.from(await expected.data()));
    // by default the batch norms are folded into the convolutions: the same to float32 rounding
    const { model: folded } = await loadInferenceModel(dir);
    expect(folded.layers.some((l) => l.getClassName() === 'BatchNormalization')).toBe(false);
    expect(model.layers.some((l) => l.getClassName() === 'BatchNormalization')).toBe(true);
    const foldedOut = await (folded.predict(images) as tf.Tensor).data();
    const want = await expected.data();
    const scale = maxAbs(want);
    Array.from(foldedOut).forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThan(1e-5 * scale));
    expect(readdirSync(dir).sort()).toEqual(['model-card.json', 'model.json', 'weights.bin']);
  });

  it('writes a standard model.json of built-in layers only, which plain tfjs loads over HTTP', async () => {
    const backbone = trainedLookingBackbone(5);
    const dir = join(root, 'b');
    await exportInferenceModel(backbone, dir, card);
    const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const classNames = new Set<string>(modelJson.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name));
    expect([...classNames].sort()).toEqual(['Activation', 'Add', 'BatchNormalization', 'Conv2D', 'InputLayer', 'ReLU', 'UpSampling2D']);
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);

    // What a browser does: tf.loadLayersModel(url) fetching model.json and weights.bin.
    const fetchFunc = async (url: string | URL | Request) => {
      const file = join(dir, new URL(String(url)).pathname.split('/').pop()!);
      const body = readFileSync(file);
      return new Response(body, { status: 200, headers: { 'content-type': file.endsWith('.json') ? 'application/json' : 'application/octet-stream' } });
    };
    const viaHttp = await tf.loadLayersModel(tf.io.http('https://models.example/g2rl/model.json', { fetchFunc }));
    const images = tf.randomUniform([1, 32, 32, 3], 0, 1, 'float32', 6);
    const expected = (backbone.predict(images) as tf.Tensor[])[1];
    expect(Array.from(await (viaHttp.predict(images) as tf.Tensor).data())).toEqual(Array.from(await expected.data()));
  });

  it('writes a fused-batch-norm backbone (what G2RLTrainer trains) as the plain one, with the same outputs', async () => {
    const fused = trainedLookingBackbone(9, true);
    expect(fused.layers.some((l) => l.getClassName() === 'BatchNormRelu')).toBe(true);
    const plain = createBackbone(TINY, { keypoints: 6, seed: 9 });
    plain.setWeights(fused.getWeights());
    await exportInferenceModel(fused, join(root, 'fused'), card);
    await exportInferenceModel(plain, join(root, 'plain'), card);
    const read = (dir: string) => readFileSync(join(root, dir, 'model.json'), 'utf8').replace(/"input_\d+"/g, '"input"');
    const [fusedJson, plainJson] = [JSON.parse(read('fused')), JSON.parse(read('plain'))];
    expect(fusedJson.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name)).toEqual(plainJson.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name));
    expect(fusedJson.modelTopology.config.layers).toEqual(plainJson.modelTopology.config.layers);
    expect(readFileSync(join(root, 'fused', 'weights.bin')).equals(readFileSync(join(root, 'plain', 'weights.bin')))).toBe(true);
    const images = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 10);
    const expected = (fused.predict(images) as tf.Tensor[])[1];
    const loaded = await tf.loadLayersModel(fileSystemIO(join(root, 'fused')));
    expect(Array.from(await (loaded.predict(images) as tf.Tensor).data())).toEqual(Array.from(await expected.data()));
  });

  it('overwrites an existing export and leaves no temporary files', async () => {
    const dir = join(root, 'c');
    await exportInferenceModel(trainedLookingBackbone(7), dir, card);
    const second = trainedLookingBackbone(8);
    await exportInferenceModel(second, dir, card);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const loaded = await tf.loadLayersModel(fileSystemIO(dir));
    const images = tf.ones([1, 32, 32, 3]);
    const expected = (second.predict(images) as tf.Tensor[])[1];
    expect(Array.from(await (loaded.predict(images) as tf.Tensor).data())).toEqual(Array.from(await expected.data()));
  });

  it('checks the card against the model, naming the field', async () => {
    const backbone = createBackbone(TINY, { keypoints: 6 });
    await expect(exportInferenceModel(backbone, join(root, 'd'), { ...card, aus: [1, 2] })).rejects.toThrow(
      /field "aus" must be 3 AUs \(the model has K = 6/,
    );
    await expect(exportInferenceModel(backbone, join(root, 'd'), { ...card, heatmap: { ...card.heatmap, size: 16 } })).rejects.toThrow(
      /field "heatmap.size" must be 8/,
    );
    await expect(exportInferenceModel(backbone, join(root, 'd'), { ...card, scheme: 'mine' as never })).rejects.toThrow(/field "scheme"/);
  });

  it('names the missing file when loading from a wrong folder', async () => {
    await expect(loadInferenceModel(join(root, 'nothing'))).rejects.toThrow(/cannot read .*model-card\.json/);
    await expect(tf.loadLayersModel(fileSystemIO(join(root, 'nothing')))).rejects.toThrow(/cannot read .*model\.json/);
  });

  it('leaks no tensors across inference calls of a loaded model', async () => {
    const dir = join(root, 'e');
    await exportInferenceModel(trainedLookingBackbone(9), dir, card);
    const { model } = await loadInferenceModel(dir);
    const images = tf.ones([1, 32, 32, 3]);
    (model.predict(images) as tf.Tensor).dispose();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) (model.predict(images) as tf.Tensor).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
