import * as tf from '@tensorflow/tfjs';
import { describe, it } from 'vitest';
import { expectSameAsCpu, input, nativeReady } from '../test-helpers.js';

describe.skipIf(!nativeReady)('native Tile matches cpu', () => {
  const cases: [number[], number[]][] = [
    [[1, 1, 1, 32], [16, 8, 8, 1]], // the batch-norm gradient's per-channel tile
    [[3], [4]],
    [[2, 3], [3, 2]],
    [[2, 1, 3], [1, 5, 1]],
    [[2, 2, 2, 2, 2], [2, 1, 3, 1, 2]],
    [[4, 5], [1, 1]],
  ];
  for (const [shape, reps] of cases) {
    it(`${shape.join('×')} tiled ${reps.join('×')}, forward and gradient`, () => {
      expectSameAsCpu([input(shape, 2)], (x) => tf.tile(x!, reps));
      // (tfjs defines Tile's gradient up to rank 4 only)
      if (shape.length <= 4) {
        expectSameAsCpu([input(shape, 2)], (x) => tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.tile(t, reps))))(x!));
      }
    });
  }
});
