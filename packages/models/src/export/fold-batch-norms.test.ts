import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNormRelu } from '../backbone/batch-norm-relu.js';
import { createBackbone } from '../backbone/create-backbone.js';
import { inferenceModelOf } from './export-inference-model.js';
import { foldBatchNorms } from './fold-batch-norms.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Sets every batch norm's four weights to seeded values far from the 1/0 initial ones. */
function randomizeBatchNorms(model: tf.LayersModel, seed: number): void {
  let s = seed;
  for (const layer of model.layers) {
    if (!['BatchNormalization', 'BatchNormRelu'].includes(layer.getClassName())) continue;
    const values = layer.getWeights().map((w, i) => tf.randomUniform(w.shape, i === 3 ? 0.3 : -0.8, i === 3 ? 2.5 : 0.8, 'float32', s++));
    layer.setWeights(values);
    tf.dispose(values);
  }
}

const maxAbs = (a: Float32Array): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('foldBatchNorms', () => {
  it('one 1×1 convolution and batch norm, by hand: y = β + (w·x + b − μ)·γ/√(σ² + ε)', () => {
    const input = tf.input({ shape: [1, 1, 1] });
    const conv = tf.layers.conv2d({ filters: 1, kernelSize: 1, useBias: true, name: 'c' });
    const norm = tf.layers.batchNormalization({ epsilon: 0.5, name: 'n' });
    const model = tf.model({ inputs: input, outputs: norm.apply(conv.apply(input)) as tf.SymbolicTensor });
    conv.setWeights([tf.tensor4d([[[[3]]]]), tf.tensor1d([1])]);
    norm.setWeights([tf.tensor1d([2]), tf.tensor1d([1]), tf.tensor1d([4]), tf.tensor1d([8.5])]); // γ β μ σ²
    const folded = foldBatchNorms(model);
    expect(folded.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Conv2D']);
    const [w, b] = folded.layers[1]!.getWeights();
    // s = 2/√(8.5 + 0.5) = 2/3; W′ = 3·2/3 = 2; b′ = 1 + (1 − 4)·2/3 = −1
    expect(Array.from(w!.dataSync())).toEqual([2]);
    expect(Array.from(b!.dataSync())).toEqual([-1]);
    // x = 2: 3·2 + 1 = 7 → (7 − 4)·2/3 + 1 = 3, and 2·2 − 1 = 3
    const y = folded.predict(tf.tensor4d([[[[2]]]])) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([3]);
    tf.dispose([y]);
    model.dispose();
    folded.dispose();
  });

  it('the small backbone: every batch norm and every ReLU right after one gone, the same heatmaps to float32 rounding, no tensor left behind', () => {
    const backbone = createBackbone('small', { keypoints: 6, seed: 1 });
    randomizeBatchNorms(backbone, 11);
    const model = inferenceModelOf(backbone);
    const before = tf.memory().numTensors;
    const folded = foldBatchNorms(model);
    const count = (m: tf.LayersModel, name: string) => m.layers.filter((l) => l.getClassName() === name).length;
    expect(count(model, 'BatchNormalization')).toBeGreaterThan(0);
    expect(count(folded, 'BatchNormalization')).toBe(0);
    expect(count(folded, 'Conv2D')).toBe(count(model, 'Conv2D'));
    const reluAfterNorm = model.layers.filter((l) => l.getClassName() === 'ReLU' && l.inboundNodes[0]!.inboundLayers[0]!.getClassName() === 'BatchNormalization').length;
    expect(reluAfterNorm).toBeGreaterThan(0);
    expect(count(folded, 'ReLU')).toBe(count(model, 'ReLU') - reluAfterNorm);
    expect(folded.layers.length).toBe(model.layers.length - count(model, 'BatchNormalization') - reluAfterNorm);
    expect(folded.outputs[0]!.shape).toEqual(model.outputs[0]!.shape);
    const size = model.inputs[0]!.shape[1]!;
    const x = tf.randomUniform([2, size, size, 3], 0, 1, 'float32', 5);
    const want = model.predict(x) as tf.Tensor;
    const got = folded.predict(x) as tf.Tensor;
    const expected = want.dataSync() as Float32Array;
    const actual = got.dataSync() as Float32Array;
    const scale = maxAbs(expected);
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
    expect(scale).toBeGreaterThan(1e-3); // the untrained head's heatmaps are small, not zero
    expect(worst / scale).toBeLessThan(1e-5);
    expect(worst).toBeGreaterThan(0); // a different computation, not the same layers
    tf.dispose([x, want, got]);
    folded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    backbone.dispose();
  });

  it('leaves alone what it must: a convolution with two consumers, a ReLU6, a batch norm that is an output; folds BatchNormRelu with its ReLU', () => {
    const input = tf.input({ shape: [6, 6, 2] });
    const shared = tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', name: 'shared' }).apply(input) as tf.SymbolicTensor;
    const a = tf.layers.batchNormalization({ name: 'a_bn' }).apply(shared) as tf.SymbolicTensor;
    const b = tf.layers.reLU({ name: 'b_relu' }).apply(shared) as tf.SymbolicTensor;
    const c1 = tf.layers.conv2d({ filters: 3, kernelSize: 1, name: 'c1' }).apply(tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const c1n = tf.layers.batchNormalization({ name: 'c1_bn' }).apply(c1) as tf.SymbolicTensor;
    const capped = tf.layers.reLU({ maxValue: 6, name: 'c1_relu6' }).apply(c1n) as tf.SymbolicTensor;
    const c2 = tf.layers.conv2d({ filters: 3, kernelSize: 1, name: 'c2' }).apply(capped) as tf.SymbolicTensor;
    const c2n = new BatchNormRelu({ relu: true, name: 'c2_bnrelu' }).apply(c2) as tf.SymbolicTensor;
    const c3 = tf.layers.conv2d({ filters: 2, kernelSize: 1, name: 'c3' }).apply(c2n) as tf.SymbolicTensor;
    const out = tf.layers.batchNormalization({ name: 'out_bn' }).apply(c3) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: [out, c1n] });
    randomizeBatchNorms(model, 3);
    const folded = foldBatchNorms(model);
    const names = folded.layers.map((l) => l.name);
    expect(names).toContain('a_bn'); // `shared` also feeds b_relu: not folded
    expect(names).toContain('c1_relu6'); // a capped ReLU is not the convolution's activation
    expect(names).not.toContain('c1_bn'); // folded although it is a model output (the conv's output is not)
    expect(names).not.toContain('c2_bnrelu'); // folded, ReLU included
    expect(names).not.toContain('out_bn');
    expect(folded.layers.find((l) => l.name === 'c2')!.getConfig().activation).toBe('relu');
    expect(folded.layers.find((l) => l.name === 'c1')!.getConfig().activation).toBe('linear');
    const x = tf.randomUniform([3, 6, 6, 2], -1, 1, 'float32', 9);
    const want = model.predict(x) as tf.Tensor[];
    const got = folded.predict(x) as tf.Tensor[];
    for (let k = 0; k < 2; k++) {
      const e = want[k]!.dataSync() as Float32Array;
      const g = got[k]!.dataSync() as Float32Array;
      expect(g.length).toBe(e.length);
      for (let i = 0; i < e.length; i++) expect(Math.abs(g[i]! - e[i]!)).toBeLessThan(1e-5 * Math.max(1, maxAbs(e)));
    }
    tf.dispose([x, ...want, ...got]);
    model.dispose();
    folded.dispose();
  });

  it('refuses a model that applies a layer twice, naming it', () => {
    const input = tf.input({ shape: [4, 4, 1] });
    const twice = tf.layers.conv2d({ filters: 1, kernelSize: 1, name: 'twice' });
    const model = tf.model({ inputs: input, outputs: twice.apply(twice.apply(input)) as tf.SymbolicTensor });
    expect(() => foldBatchNorms(model)).toThrow(/layer 'twice' is applied 2 times/);
    model.dispose();
  });
});
