import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { g2rlLoss } from './g2rl-loss.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('g2rlLoss', () => {
  it('is λ·L_G + (1 − λ)·L_S', async () => {
    const loss = g2rlLoss({ lambda: 0.25, ls: tf.scalar(2), lg: tf.scalar(6) });
    expect(await loss.array()).toBeCloseTo(0.25 * 6 + 0.75 * 2, 6);
  });

  it('is L_S alone when λ = 0, without needing L_G', async () => {
    expect(await g2rlLoss({ lambda: 0, ls: tf.scalar(3.5) }).array()).toBeCloseTo(3.5, 6);
  });

  it('is L_G alone when λ = 1', async () => {
    expect(await g2rlLoss({ lambda: 1, ls: tf.scalar(3.5), lg: tf.scalar(0.5) }).array()).toBeCloseTo(0.5, 6);
  });

  it('rejects λ outside [0, 1], a missing L_G and non-scalar losses', () => {
    expect(() => g2rlLoss({ lambda: 1.5, ls: tf.scalar(1), lg: tf.scalar(1) })).toThrow(
      /g2rlLoss\(lambda\): expected a number in \[0, 1\], got 1.5/,
    );
    expect(() => g2rlLoss({ lambda: 0.5, ls: tf.scalar(1) })).toThrow(/g2rlLoss\(lg\): required/);
    expect(() => g2rlLoss({ lambda: 0.5, ls: tf.ones([2]), lg: tf.scalar(1) })).toThrow(
      /g2rlLoss\(ls\).*rank-0/,
    );
  });

  it('leaks no tensors', () => {
    const ls = tf.scalar(1);
    const lg = tf.scalar(2);
    const before = tf.memory().numTensors;
    g2rlLoss({ lambda: 0.3, ls, lg }).dispose();
    g2rlLoss({ lambda: 0, ls }).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
