import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { heatmapLoss } from './heatmap-loss.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// B=1, H=1, W=2, K=2: pixel 0 holds (k0=1, k1=2), pixel 1 holds (k0=3, k1=4).
const pred1 = () => tf.tensor4d([1, 2, 3, 4], [1, 1, 2, 2]);
const zeros1 = () => tf.zeros([1, 1, 2, 2]);

describe('heatmapLoss', () => {
  it('is the mean over all pixels of all channels when every weight is 1', async () => {
    const loss = heatmapLoss(pred1(), zeros1(), tf.tensor2d([[1, 1]]));
    expect(await loss.array()).toBeCloseTo((1 + 4 + 9 + 16) / 4, 5);
  });

  it('averages only over the pixels of channels with weight > 0', async () => {
    const loss = heatmapLoss(pred1(), zeros1(), tf.tensor2d([[1, 0]]));
    expect(await loss.array()).toBeCloseTo((1 * 1 + 3 * 3) / 2, 5);
  });

  it('masks per sample: each sample keeps only its own labelled channels', async () => {
    const pred = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 2, 2]);
    const target = tf.tensor4d([0, 0, 1, 0, 0, 0, 0, 2], [2, 1, 2, 2]);
    const weights = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    // sample 0 channel 0: (1−0)², (3−1)²; sample 1 channel 1: (6−0)², (8−2)²; 4 pixels counted
    const expected = (1 + 4 + 36 + 36) / 4;
    expect(await heatmapLoss(pred, target, weights).array()).toBeCloseTo(expected, 5);
  });

  it('gives 0 (not NaN) and zero gradient when every channel is masked', async () => {
    const weights = tf.tensor2d([[0, 0]]);
    const loss = heatmapLoss(pred1(), zeros1(), weights);
    expect(await loss.array()).toBe(0);
    const grad = tf.grad((p: tf.Tensor) => heatmapLoss(p, zeros1(), weights))(pred1());
    expect(Array.from(await grad.data())).toEqual([0, 0, 0, 0]);
  });

  it('sends no gradient into masked channels and 2(p−t)/n into the others', async () => {
    const grad = tf.grad((p: tf.Tensor) => heatmapLoss(p, zeros1(), tf.tensor2d([[1, 0]])))(pred1());
    const g = Array.from(await grad.data());
    // d/dp of (p0² + p2²)/2 is p; channel 1 (indices 1, 3) masked
    expect(g[0]).toBeCloseTo(1, 5);
    expect(g[1]).toBe(0);
    expect(g[2]).toBeCloseTo(3, 5);
    expect(g[3]).toBe(0);
  });

  it('names the argument and the expected shape on bad input', () => {
    expect(() => heatmapLoss(tf.zeros([1, 2, 2]), zeros1(), tf.ones([1, 2]))).toThrow(
      /heatmapLoss\(pred\).*B×H×W×K.*\[1, 2, 2\]/,
    );
    expect(() => heatmapLoss(pred1(), tf.zeros([1, 1, 2, 3]), tf.ones([1, 2]))).toThrow(
      /pred has shape \[1, 1, 2, 2\] but target has shape \[1, 1, 2, 3\]/,
    );
    expect(() => heatmapLoss(pred1(), zeros1(), tf.ones([1, 3]))).toThrow(
      /heatmapLoss\(weights\): expected shape \[1, 2\]/,
    );
  });

  it('leaks no tensors', () => {
    const pred = pred1();
    const target = zeros1();
    const weights = tf.tensor2d([[1, 0]]);
    const before = tf.memory().numTensors;
    heatmapLoss(pred, target, weights).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
