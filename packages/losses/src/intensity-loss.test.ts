import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { intensityLoss } from './intensity-loss.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('intensityLoss', () => {
  it('is the MSE over labelled entries only (NaN = missing)', async () => {
    const pred = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const target = tf.tensor2d([
      [0, NaN],
      [1, 1],
    ]);
    // (1−0)² + (3−1)² + (4−1)² over 3 labelled entries
    expect(await intensityLoss(pred, target).array()).toBeCloseTo((1 + 4 + 9) / 3, 5);
  });

  it('is 0 with finite, zero gradient when nothing is labelled', async () => {
    const target = tf.tensor2d([[NaN, NaN]]);
    const pred = tf.tensor2d([[1, 2]]);
    expect(await intensityLoss(pred, target).array()).toBe(0);
    const grad = tf.grad((p: tf.Tensor) => intensityLoss(p, target))(pred);
    expect(Array.from(await grad.data())).toEqual([0, 0]);
  });

  it('sends gradient 2(p − t)/n to labelled entries and none to missing ones', async () => {
    const target = tf.tensor2d([[2, NaN]]);
    const grad = tf.grad((p: tf.Tensor) => intensityLoss(p, target))(tf.tensor2d([[5, 7]]));
    expect(Array.from(await grad.data())).toEqual([6, 0]);
  });

  it('names the argument on bad input and leaks no tensors', () => {
    expect(() => intensityLoss(tf.zeros([2]), tf.zeros([2]))).toThrow(/intensityLoss\(pred\).*B×A/);
    expect(() => intensityLoss(tf.zeros([2, 3]), tf.zeros([2, 2]))).toThrow(/pred has shape \[2, 3\] but target/);
    const pred = tf.ones([2, 3]);
    const target = tf.tensor2d([[1, NaN, 0], [0, 0, NaN]]);
    const before = tf.memory().numTensors;
    intensityLoss(pred, target).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
