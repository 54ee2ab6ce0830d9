import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadAddon } from '../addon.js';
import { countAddonCalls, expectSameAsCpu, input, nativeReady, runOn } from '../test-helpers.js';

describe.skipIf(!nativeReady)('native Transpose, Slice, SplitV match cpu', () => {
  it('Transpose: permutations of rank 2–5, float32 and int32, forward and gradient', () => {
    const cases: [number[], number[]][] = [
      [[5, 7], [1, 0]],
      [[3, 6, 6], [0, 2, 1]], // the adjacency's Âᵀ
      [[2, 3, 4, 5], [3, 1, 0, 2]],
      [[2, 3, 2, 3, 2], [4, 3, 2, 1, 0]],
      [[64, 40, 30], [2, 0, 1]], // threaded
    ];
    for (const [shape, perm] of cases) {
      expectSameAsCpu([input(shape, 1)], (x) => tf.transpose(x!, perm));
      expectSameAsCpu([input(shape, 1)], (x) => tf.transpose(tf.cast(tf.mul(x!, 100), 'int32'), perm));
      expectSameAsCpu([input(shape, 1)], (x) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.transpose(t, perm), tf.transpose(tf.sin(t), perm))))(x!));
    }
    // int32 held in a Float32Array (the cpu OneHot kernel's storage), transposed and sliced
    const oneHot = (x: tf.Tensor) => tf.oneHot(tf.cast(tf.mul(tf.add(x, 1), 2.4), 'int32'), 5);
    expectSameAsCpu([input([3, 4], 1)], (x) => tf.transpose(oneHot(x!), [2, 0, 1]));
    expectSameAsCpu([input([3, 4], 1)], (x) => tf.slice(oneHot(x!), [0, 1, 1], [3, 2, 3]));
    expectSameAsCpu([input([3, 4], 1)], (x) => tf.split(oneHot(x!), [2, 3], 2));
    const counts = countAddonCalls(loadAddon().addon!, () => runOn('native', [input([3, 4], 1)], (x) => tf.transpose(x!)));
    expect(counts.copyStrided).toBe(1);
  });

  it('Slice (strided cases native, contiguous ones a cpu view) and its gradient', () => {
    const cases: [number[], number[], number[]][] = [
      [[6, 8], [1, 2], [3, 4]],
      [[4, 5, 6], [0, 1, 2], [-1, 3, 2]],
      [[2, 5, 5, 8], [1, 0, 1, 3], [1, 5, 3, 5]],
      [[8, 4], [2, 0], [3, 4]], // contiguous rows
    ];
    for (const [shape, begin, size] of cases) {
      expectSameAsCpu([input(shape, 3)], (x) => tf.slice(x!, begin, size));
      expectSameAsCpu([input(shape, 3)], (x) => tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.slice(t, begin, size))))(x!));
    }
  });

  it('SplitV along every axis (the gradient of a concat), sizes and counts', () => {
    expectSameAsCpu([input([4, 6, 9], 4)], (x) => tf.split(x!, [2, 3, 4], 2));
    expectSameAsCpu([input([4, 6, 9], 4)], (x) => tf.split(x!, 3, 1));
    expectSameAsCpu([input([4, 6, 9], 4)], (x) => tf.split(x!, [1, -1], 0));
    expectSameAsCpu([input([2, 5, 3], 5), input([2, 5, 4], 6)], (a, b) =>
      tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.concat([p, q], -1), tf.sin(tf.concat([p, q], -1)))))([a!, b!]),
    );
  });
});

describe.skipIf(!nativeReady)('native TopK, int32 reductions and bool/int32 Tile match cpu', () => {
  it('TopK: values and indices, ties to the lower index, k = 0 … n', () => {
    const ties = input([6, 9], 7);
    ties.values.forEach((v, i, arr) => (arr[i] = Math.round(v * 3))); // many exact ties
    for (const k of [0, 1, 4, 9]) {
      expectSameAsCpu([ties], (x) => {
        const { values, indices } = tf.topk(x!, k);
        return [values, indices];
      });
    }
    // the k-NN use: B×N×N negated squared distances with −∞ on the diagonal
    expectSameAsCpu([input([3, 12, 2], 8)], (p) => {
      const d2 = tf.sum(tf.square(tf.sub(tf.expandDims(p!, 2), tf.expandDims(p!, 1))), -1);
      const masked = tf.where(tf.cast(tf.eye(12), 'bool'), tf.fill([12, 12], Infinity), d2);
      const { values, indices } = tf.topk(tf.neg(masked), 5);
      return [values, indices];
    });
    const counts = countAddonCalls(loadAddon().addon!, () => runOn('native', [ties], (x) => tf.topk(x!, 3).indices));
    expect(counts.topk).toBe(1);
  });

  it('TopK leaves NaN rows and repeated infinities to the cpu kernel', () => {
    const special = input([2, 6], 9);
    special.values[2] = NaN;
    expectSameAsCpu([special], (x) => tf.topk(x!, 3).indices);
    const infinities = input([2, 6], 9);
    infinities.values[1] = infinities.values[4] = Infinity;
    const native = runOn('native', [infinities], (x) => tf.topk(x!, 3).indices);
    const cpu = runOn('cpu', [infinities], (x) => tf.topk(x!, 3).indices);
    expect(Array.from(native.values[0]!)).toEqual(Array.from(cpu.values[0]!));
  });

  it('Sum, Max, Min of int32 (an Int32Array or the cpu OneHot float storage) give int32', () => {
    for (const axis of [0, 1, 2, [1, 2]]) {
      expectSameAsCpu([input([4, 5, 6], 1)], (x) => tf.sum(tf.cast(tf.mul(x!, 50), 'int32'), axis));
      expectSameAsCpu([input([4, 5, 6], 1)], (x) => tf.max(tf.cast(tf.mul(x!, 50), 'int32'), axis));
      expectSameAsCpu([input([4, 5, 6], 1)], (x) => tf.min(tf.cast(tf.mul(x!, 50), 'int32'), axis));
    }
    // the k-NN mask: one-hot rows summed over k
    expectSameAsCpu([input([3 * 7 * 4], 2)], (x) => {
      const indices = tf.cast(tf.mul(tf.add(x!, 1), 3.4), 'int32');
      const summed = tf.sum(tf.reshape(tf.oneHot(indices, 7), [3, 7, 4, 7]), 2);
      expect(summed.dtype).toBe('int32');
      return summed;
    });
  });

  it('Sum/Mean over a middle axis with many slabs (B×N×N×F over one N)', () => {
    expectSameAsCpu([input([8, 17, 17, 5], 3)], (x) => tf.sum(x!, 2));
    expectSameAsCpu([input([8, 17, 17, 5], 3)], (x) => tf.mean(x!, [1, 2], true));
  });

  it('Tile of bool and int32 tensors', () => {
    expectSameAsCpu([input([1, 5, 5], 4)], (x) => tf.cast(tf.tile(tf.greater(x!, 0), [3, 1, 2]), 'float32'));
    expectSameAsCpu([input([2, 3], 4)], (x) => tf.tile(tf.cast(tf.mul(x!, 9), 'int32'), [2, 3]));
    expectSameAsCpu([input([2 * 3], 4)], (x) => tf.tile(tf.oneHot(tf.cast(tf.mul(tf.add(x!, 1), 1.4), 'int32'), 3), [2, 1]));
  });
});
