import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BatchNormRelu } from '@g2rl/models';
import { loadAddon } from '../addon.js';
import { countAddonCalls, expectSameAsCpu, input, nativeReady } from '../test-helpers.js';

/** @g2rl/models' BatchNormRelu in training mode with set gamma/beta: [y, moving mean, moving variance]. */
function trainForward(layer: BatchNormRelu, x: tf.Tensor): tf.Tensor[] {
  const y = layer.apply(x, { training: true }) as tf.Tensor;
  const [, , movingMean, movingVariance] = layer.getWeights();
  return [y, movingMean!.clone(), movingVariance!.clone()]; // (the variables are disposed with the layer)
}

function makeLayer(channels: number, relu: boolean, inputShape: number[]): BatchNormRelu {
  const layer = new BatchNormRelu({ momentum: 0.9, epsilon: 1e-5, relu });
  layer.build(inputShape);
  layer.setWeights([
    tf.linspace(0.5, 1.5, channels),
    tf.linspace(-0.2, 0.3, channels),
    tf.zeros([channels]),
    tf.ones([channels]),
  ]);
  return layer;
}

describe.skipIf(!nativeReady)('fused training batch norm (+ReLU) matches tfjs ops on cpu', () => {
  const cases: [number[], boolean][] = [
    [[2, 3, 3, 5], true],
    [[2, 3, 3, 5], false],
    [[16, 16, 16, 48], true], // threaded (> 64K elements)
    [[3, 7], true], // rank 2
  ];
  for (const [shape, relu] of cases) {
    const channels = shape[shape.length - 1]!;
    it(`forward, moving statistics and gradients: [${shape.join('×')}], relu ${relu}`, () => {
      // x offset from 0 so that mean subtraction matters; a non-uniform loss weight
      const x = input(shape, 11);
      x.values.forEach((v, i) => (x.values[i] = 3 + 2 * v));
      const w = input(shape, 12);
      expectSameAsCpu([x, w], (xt, wt) => {
        const layer = makeLayer(channels, relu, shape);
        const out = trainForward(layer, xt!);
        // a loss quadratic in y, so that dx depends on y and not only on the loss weights
        const loss = (a: tf.Tensor) => {
          const y = layer.apply(a, { training: true }) as tf.Tensor;
          return tf.sum(tf.mul(tf.mul(y, y), wt!)) as tf.Scalar;
        };
        const dx = tf.grad(loss)(xt!);
        const { grads } = tf.variableGrads(() => loss(xt!), layer.trainableWeights.map((v) => v.read() as tf.Variable));
        layer.weights.forEach((v) => v.dispose()); // (Layer.dispose needs a symbolic use)
        return [...out, dx, ...Object.values(grads)];
      });
    });
  }

  it('runs one native kernel forward and one backward', () => {
    const shape = [4, 8, 8, 16];
    const layer = makeLayer(16, true, shape);
    tf.setBackend('native');
    const x = tf.tensor(input(shape, 5).values, shape);
    const counts = countAddonCalls(loadAddon().addon!, () => {
      tf.tidy(() => tf.variableGrads(() => tf.sum(layer.apply(x, { training: true }) as tf.Tensor) as tf.Scalar));
    });
    expect(counts.batchNormTrain).toBe(1);
    expect(counts.batchNormTrainGrad).toBe(1);
    expect(counts.batchNorm ?? 0).toBe(0);
    tf.dispose(x);
    layer.weights.forEach((v) => v.dispose()); // (Layer.dispose needs a symbolic use)
  });

  it('rejects statistics of the wrong length with a message naming the input', () => {
    tf.setBackend('native');
    const x = tf.ones([2, 4]);
    expect(() => tf.engine().runKernel('G2rlBatchNormTrain', { x, gamma: tf.ones([3]), beta: tf.zeros([4]) }, { epsilon: 1e-3, relu: true })).toThrow(/'gamma'.*\[4\]/);
    tf.dispose(x);
  });
});
