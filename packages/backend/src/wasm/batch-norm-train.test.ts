// The fused training batch norm (+ ReLU) on wasm against tfjs's own ops on cpu (the path
// @g2rl/models' BatchNormRelu takes without the kernels, written out here: this package does
// not depend on models): y, the batch statistics, and dx, dγ, dβ through the statistics, for a
// loss quadratic in y; no leak; bad inputs name the input.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { BATCH_NORM_TRAIN_GRAD_KERNEL, BATCH_NORM_TRAIN_KERNEL } from './batch-norm-train.js';
import { onBothBackends, relativeError, seededValues } from './test-support.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
});

const EPSILON = 1e-5;

/** tf.moments + tf.batchNorm (+ relu): BatchNormRelu's path without fused kernels. */
function opsForward(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, relu: boolean): tf.Tensor[] {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const y = tf.batchNorm(x, mean, variance, beta, gamma, EPSILON);
  return [relu ? tf.relu(y) : y, mean, variance];
}

describe(`${BATCH_NORM_TRAIN_KERNEL} and ${BATCH_NORM_TRAIN_GRAD_KERNEL} on wasm`, () => {
  const cases: [number[], boolean][] = [
    // C = 5, 7: the JavaScript loops; C = 8, 48: the SIMD passes (with the tile module)
    [[2, 3, 3, 5], true],
    [[2, 3, 3, 5], false],
    [[4, 5, 5, 8], false],
    [[8, 16, 16, 48], true],
    [[130, 8], true], // more rows than one block of 64
    [[3, 7], true],
  ];
  for (const [shape, relu] of cases) {
    it(`equal tfjs's ops on cpu: [${shape.join('×')}], relu ${relu}`, () => {
      const size = shape.reduce((a, b) => a * b, 1);
      const C = shape[shape.length - 1]!;
      const xValues = seededValues(size, 11).map((v) => 3 + 4 * v); // offset: the mean matters
      const wValues = seededValues(size, 12);
      const gammaValues = seededValues(C, 13).map((v) => 1 + v);
      const betaValues = seededValues(C, 14).map((v) => 0.3 * v);
      const { wasm, cpu, leakedTensors, leakedBuffers } = onBothBackends(() => {
        const x = tf.tensor(xValues, shape);
        const w = tf.tensor(wValues, shape);
        const gamma = tf.tensor(gammaValues);
        const beta = tf.tensor(betaValues);
        // loss = Σ w·y²: dy = 2·w·y depends on y, not only on the weights
        if (tf.getBackend() === 'cpu') {
          const forward = opsForward(x, gamma, beta, relu);
          const grads = tf.grads((a, g, b) => tf.sum(tf.mul(w, tf.square(opsForward(a!, g!, b!, relu)[0]!))) as tf.Scalar)([x, gamma, beta]);
          return [...forward, ...grads];
        }
        const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAIN_KERNEL, { x, gamma, beta }, { epsilon: EPSILON, relu }) as tf.Tensor[];
        const dy = tf.mul(tf.mul(w, y!), 2);
        const grads = tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD_KERNEL, { dy, x, y: y!, gamma, mean: mean!, variance: variance! }, { epsilon: EPSILON, relu }) as tf.Tensor[];
        return [y!, mean!, variance!, ...grads];
      });
      expect(leakedTensors).toBe(0);
      expect(leakedBuffers).toBe(0);
      const names = ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'];
      names.forEach((name, i) => expect(relativeError(wasm[i]!, cpu[i]!), name).toBeLessThan(2e-5));
    });
  }

  it('rejects statistics of the wrong shape with a message naming the input', () => {
    const x = tf.ones([2, 4]);
    const [gamma, beta] = [tf.ones([3]), tf.zeros([4])];
    expect(() => tf.engine().runKernel(BATCH_NORM_TRAIN_KERNEL, { x, gamma, beta }, { epsilon: 1e-3, relu: true })).toThrow(/'gamma'.*\[4\]/);
    expect(() => tf.engine().runKernel(BATCH_NORM_TRAIN_KERNEL, { x, gamma: beta, beta }, { epsilon: -1, relu: true })).toThrow(/'epsilon'/);
    tf.dispose([x, gamma, beta]);
  });
});
