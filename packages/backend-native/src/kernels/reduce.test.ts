import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadAddon } from '../addon.js';
import { countAddonCalls, expectSameAsCpu, input, nativeReady, runOn } from '../test-helpers.js';
import { reducePlan } from './reduce.js';

describe('reducePlan', () => {
  it('views a contiguous axis run as P×R×Q', () => {
    expect(reducePlan([2, 3, 4, 5], [0, 1, 2], false)).toEqual({ P: 1, R: 24, Q: 5, outShape: [5] });
    expect(reducePlan([2, 3, 4, 5], [1, 2], true)).toEqual({ P: 2, R: 12, Q: 5, outShape: [2, 1, 1, 5] });
    expect(reducePlan([2, 3, 4, 5], -1, false)).toEqual({ P: 24, R: 5, Q: 1, outShape: [2, 3, 4] });
    expect(reducePlan([2, 3, 4, 5], null, false)).toEqual({ P: 1, R: 120, Q: 1, outShape: [] });
    expect(reducePlan([2, 3, 4, 5], [0, 2], false)).toBeNull();
  });
});

describe.skipIf(!nativeReady)('native Sum / Mean / Max / Min match cpu', () => {
  const axesCases: [number[], number | number[] | null, boolean][] = [
    [[8, 16, 16, 32], [0, 1, 2], false], // batch-norm statistics
    [[8, 16, 16, 32], [0, 1, 2], true],
    [[8, 16, 16, 32], [1, 2, 3], false], // per-sample
    [[8, 16, 16, 32], null, false], // everything
    [[8, 16, 16, 32], [1, 2], true],
    [[5, 7], -1, false],
    [[3, 4, 5], [0, 2], false], // not contiguous: cpu runs it
    [[300000], 0, false], // long single row: the threaded reduction
  ];
  const ops: [string, (x: tf.Tensor, axis: number | number[] | null, keep: boolean) => tf.Tensor][] = [
    ['Sum', (x, a, k) => tf.sum(x, a ?? undefined, k)],
    ['Mean', (x, a, k) => tf.mean(x, a ?? undefined, k)],
    ['Max', (x, a, k) => tf.max(x, a ?? undefined, k)],
    ['Min', (x, a, k) => tf.min(x, a ?? undefined, k)],
  ];
  for (const [name, op] of ops) {
    it(`${name}: forward and gradient over several axis sets`, () => {
      for (const [shape, axes, keep] of axesCases) {
        const spec = input(shape, shape.length);
        expectSameAsCpu([spec], (x) => op(x!, axes, keep));
        if (name === 'Sum' || name === 'Mean') {
          // the outer reduction is a Sum too: its gradient takes the same path
          expectSameAsCpu([spec], (x) => tf.grad((t: tf.Tensor) => tf.sum(tf.square(op(t, axes, keep))))(x!));
        }
      }
    });
  }
});

describe.skipIf(!nativeReady)('native Sum / Mean gradients', () => {
  it('take the one-pass native kernel for contiguous axes and tfjs\'s gradient otherwise', () => {
    const spec = input([4, 6, 6, 8], 9);
    const contiguous = countAddonCalls(loadAddon().addon!, () => {
      runOn('native', [spec], (x) => tf.grad((t: tf.Tensor) => tf.sum(tf.mean(t, [0, 1, 2])))(x!));
    });
    expect(contiguous.expandReduced).toBe(2); // the Sum's gradient, then the Mean's
    const split = countAddonCalls(loadAddon().addon!, () => {
      runOn('native', [spec], (x) => tf.grad((t: tf.Tensor) => tf.max(tf.mean(t, [0, 2])))(x!));
    });
    expect(split.expandReduced ?? 0).toBe(0);
    expectSameAsCpu([spec], (x) => tf.grad((t: tf.Tensor) => tf.max(tf.mean(t, [0, 2])))(x!));
  });
});
