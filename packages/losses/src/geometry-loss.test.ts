import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { geometryLoss } from './geometry-loss.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('geometryLoss', () => {
  it('is the squared L2 distance averaged over batch and divided by D', async () => {
    const g = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const gHat = tf.tensor2d([
      [0, 0],
      [1, 1],
    ]);
    // ‖(1,2)‖² = 5, ‖(2,3)‖² = 13; mean over B = 9; / D = 4.5
    expect(await geometryLoss(g, gHat).array()).toBeCloseTo((5 + 13) / 2 / 2, 5);
  });

  it('is 0 when the projection equals the geometry', async () => {
    const g = tf.tensor2d([[0.5, -1, 2]]);
    expect(await geometryLoss(g, g.clone()).array()).toBe(0);
  });

  it('has gradient 2(Ĝ − G)/(B·D) with respect to Ĝ', async () => {
    const g = tf.tensor2d([[1, 2]]);
    const grad = tf.grad((gHat: tf.Tensor) => geometryLoss(g, gHat))(tf.tensor2d([[0, 4]]));
    const values = Array.from(await grad.data());
    expect(values[0]).toBeCloseTo((2 * (0 - 1)) / 2, 5);
    expect(values[1]).toBeCloseTo((2 * (4 - 2)) / 2, 5);
  });

  it('names the argument and the expected shape on bad input', () => {
    expect(() => geometryLoss(tf.zeros([2]), tf.zeros([2, 1]))).toThrow(/geometryLoss\(g\).*B×D/);
    expect(() => geometryLoss(tf.zeros([2, 3]), tf.zeros([2, 4]))).toThrow(
      /g has shape \[2, 3\] but gHat has shape \[2, 4\]/,
    );
  });

  it('leaks no tensors', () => {
    const g = tf.ones([3, 4]);
    const gHat = tf.zeros([3, 4]);
    const before = tf.memory().numTensors;
    geometryLoss(g, gHat).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
