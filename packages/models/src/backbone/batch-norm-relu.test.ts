import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededUniform } from '@g2rl/common';
import { BatchNormRelu } from './batch-norm-relu.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const shape = [2, 4, 4, 6];
/** Sets gamma, beta and the moving statistics to distinct values. */
function setWeights(layer: tf.layers.Layer) {
  const values = [tf.linspace(0.5, 1.5, 6), tf.linspace(-0.2, 0.3, 6), tf.fill([6], 0.1), tf.fill([6], 2)];
  layer.setWeights(values);
  tf.dispose(values);
}

/** tf.layers.batchNormalization followed by tf.layers.reLU, the unfused reference. */
function reference(relu: boolean) {
  const bn = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
  bn.build(shape);
  setWeights(bn);
  const act = tf.layers.reLU();
  const apply = (x: tf.Tensor, training: boolean) => {
    const y = bn.apply(x, { training }) as tf.Tensor;
    return relu ? (act.apply(y) as tf.Tensor) : y;
  };
  return { layer: bn, apply };
}

function fused(relu: boolean) {
  const layer = new BatchNormRelu({ momentum: 0.9, epsilon: 1e-5, relu });
  layer.build(shape);
  setWeights(layer);
  return { layer, apply: (x: tf.Tensor, training: boolean) => layer.apply(x, { training }) as tf.Tensor };
}

describe('BatchNormRelu without fused kernels (cpu)', () => {
  for (const relu of [true, false]) {
    it(`gives tf.layers batchNormalization${relu ? ' + reLU' : ''}'s outputs, gradients and moving statistics bit for bit`, () => {
      const x = tf.tensor(seededUniform(192, 7, -2, 4), shape);
      const w = tf.tensor(seededUniform(192, 8, -1, 1), shape);
      const leaked: number[] = [];
      const run = () => [reference, fused].map((make) => {
        const before = tf.memory().numTensors;
        const { layer, apply } = make(relu);
        const inference = apply(x, false);
        const loss = () => tf.sum(tf.mul(tf.square(apply(x, true)), w)) as tf.Scalar;
        const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.square(apply(t, true)), w)))(x);
        const { value, grads } = tf.variableGrads(loss, layer.trainableWeights.map((v) => v.read() as tf.Variable));
        const out = [inference, value, dx, ...Object.values(grads), ...layer.getWeights().slice(2)].map((t) => Array.from(t.dataSync()));
        tf.dispose([inference, value, dx, ...Object.values(grads)]);
        layer.weights.forEach((v) => v.dispose()); // (Layer.dispose needs a symbolic use)
        leaked.push(tf.memory().numTensors - before);
        return out;
      });
      const results = run();
      expect(results[1]).toEqual(results[0]);
      // the moving statistics moved (three training calls), so the comparison covers them
      expect(results[1]![5]).not.toEqual([0.1, 0.1, 0.1, 0.1, 0.1, 0.1].map(Math.fround));
      expect(leaked[1]).toBe(0); // the layer under test leaks nothing (the tf.layers reference is not checked)
      tf.dispose([x, w]);
    });
  }

  it('keeps tf.layers batchNormalization weight names and serialises its settings', () => {
    const layer = new BatchNormRelu({ name: 'stem_bn', momentum: 0.9, epsilon: 1e-5 });
    layer.apply(tf.input({ shape: shape.slice(1) })); // built in the functional API, as in a backbone
    expect(layer.weights.map((v) => v.name)).toEqual(['stem_bn/gamma', 'stem_bn/beta', 'stem_bn/moving_mean', 'stem_bn/moving_variance']);
    expect(layer.trainableWeights.length).toBe(2);
    expect(layer.getConfig()).toMatchObject({ name: 'stem_bn', momentum: 0.9, epsilon: 1e-5, relu: true });
    layer.dispose();
  });

  it('rejects bad settings naming them', () => {
    expect(() => new BatchNormRelu({ momentum: 2 })).toThrow(/momentum/);
    expect(() => new BatchNormRelu({ epsilon: 0 })).toThrow(/epsilon/);
  });
});
