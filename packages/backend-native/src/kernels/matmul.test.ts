import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadAddon } from '../addon.js';
import { countAddonCalls, expectSameAsCpu, input, nativeReady, runOn } from '../test-helpers.js';
import { matMulPlan } from './matmul.js';

describe('matMulPlan', () => {
  it('reads M, N, K and the one-sided batch broadcast from the shapes', () => {
    expect(matMulPlan([4, 3, 5], [4, 5, 2], false, false)).toEqual({
      outShape: [4, 3, 2],
      params: Int32Array.from([4, 4, 3, 2, 5, 0, 0]),
    });
    expect(matMulPlan([5, 3], [2, 7, 5, 6], true, false)!.outShape).toEqual([2, 7, 3, 6]);
    expect(matMulPlan([2, 1, 3, 4], [1, 5, 4, 6], false, false)).toBeNull(); // two-sided broadcast
    expect(matMulPlan([3, 4], [5, 6], false, false)).toBeNull(); // inner sizes differ
  });
});

describe.skipIf(!nativeReady)('native BatchMatMul / _FusedMatMul match cpu', () => {
  const shapes: [number[], number[], boolean, boolean][] = [
    [[7, 5], [5, 3], false, false],
    [[5, 7], [5, 3], true, false],
    [[7, 5], [3, 5], false, true],
    [[5, 7], [3, 5], true, true],
    [[16, 68, 68], [16, 68, 32], false, false], // the GCN's batched adjacency product
    [[68, 68], [16, 68, 32], false, false], // one adjacency for the batch
    [[32, 9, 4], [4, 6], false, false],
    [[1, 64, 300], [1, 300, 128], false, false],
  ];
  for (const [aShape, bShape, transposeA, transposeB] of shapes) {
    const label = `${aShape.join('×')}${transposeA ? 'ᵀ' : ''} · ${bShape.join('×')}${transposeB ? 'ᵀ' : ''}`;
    it(`forward and gradients ${label}`, () => {
      const specs = [input(aShape, 1), input(bShape, 2)];
      expectSameAsCpu(specs, (a, b) => tf.matMul(a!, b!, transposeA, transposeB));
      // tfjs's BatchMatMul gradient does not reduce a broadcast batch (it throws on cpu too)
      if (aShape.length === bShape.length) {
        const probe = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.matMul(a, b, transposeA, transposeB)));
        expectSameAsCpu(specs, (a, b) => tf.grads(probe)([a!, b!]));
      }
    });
  }

  for (const activation of ['linear', 'relu', 'relu6', 'leakyrelu', 'elu', 'sigmoid'] as const) {
    it(`_FusedMatMul with bias and ${activation}, and its gradients`, () => {
      const specs = [input([6, 10], 3), input([10, 4], 4), input([4], 5)];
      const fused = (a: tf.Tensor, b: tf.Tensor, bias: tf.Tensor) =>
        tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias, activation, leakyreluAlpha: 0.3 });
      expectSameAsCpu(specs, (a, b, bias) => fused(a!, b!, bias!));
      if (activation === 'linear' || activation === 'relu') {
        expectSameAsCpu(specs, (a, b, bias) => tf.grads((x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) => tf.sum(tf.square(fused(x, y, z))))([a!, b!, bias!]));
      }
    });
  }

  it('runs the addon (a dense layer goes through matMul)', () => {
    const counts = countAddonCalls(loadAddon().addon!, () => {
      runOn('native', [input([4, 8], 1), input([8, 3], 2)], (a, b) => tf.matMul(a!, b!));
    });
    expect(counts.matMul).toBe(1);
  });
});
