import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadAddon } from '../addon.js';
import { countAddonCalls, expectSameAsCpu, input, nativeReady, runOn } from '../test-helpers.js';

describe.skipIf(!nativeReady)('one-pass Relu and Square gradients match tfjs on cpu', () => {
  const ops: [string, (x: tf.Tensor) => tf.Tensor][] = [
    ['Relu', tf.relu],
    ['Square', tf.square],
  ];
  for (const [name, op] of ops) {
    it(`${name}: gradient of small and threaded sizes, through a batch-norm-like graph`, () => {
      for (const shape of [[7], [16, 16, 16, 24]]) {
        expectSameAsCpu([input(shape, 1)], (x) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(op(t), tf.sin(t))))(x!));
      }
      // tf.moments squares x − mean: the gradient reaches x through Sub, Mean and Square
      expectSameAsCpu([input([4, 6, 6, 8], 2)], (x) =>
        tf.grad((t: tf.Tensor) => {
          const { mean, variance } = tf.moments(t, [0, 1, 2]);
          return tf.sum(tf.mul(tf.relu(tf.batchNorm(t, mean, variance, tf.fill([8], 0.1), tf.fill([8], 1.5), 1e-3)), tf.cos(t)));
        })(x!),
      );
    });

    it(`${name}: NaN and infinities propagate as on cpu, and one addon call replaces two ops`, () => {
      const special = input([8], 3);
      special.values.set([NaN, Infinity, -Infinity, 0, -0], 0);
      const dy = input([8], 4);
      dy.values.set([1, NaN, 2, Infinity, -Infinity], 0);
      const f = (x: tf.Tensor, d: tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(op(t), d)))(x);
      const native = runOn('native', [special, dy], (x, d) => f(x!, d!));
      const cpu = runOn('cpu', [special, dy], (x, d) => f(x!, d!));
      expect(Array.from(native.values[0]!)).toEqual(Array.from(cpu.values[0]!));
      expect(native.leaked).toBe(0);
      const counts = countAddonCalls(loadAddon().addon!, () => runOn('native', [special, dy], (x, d) => f(x!, d!)));
      // forward op (unary), the loss's Multiply and its gradient (binary ×2), the fused gradient (binary)
      expect(counts.unary).toBe(1);
      expect(counts.binary).toBe(3);
    });
  }
});
