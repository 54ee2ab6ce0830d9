import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadAddon } from '../addon.js';
import { countAddonCalls, expectSameAsCpu, input, nativeReady, runOn } from '../test-helpers.js';
import { broadcastPlan, stridedPlan } from './elementwise.js';

describe('broadcastPlan', () => {
  it('classifies the broadcasts the addon runs', () => {
    expect(broadcastPlan([2, 3], [2, 3])).toEqual({ outShape: [2, 3], mode: 0, inner: 1 });
    expect(broadcastPlan([2, 3], [])).toEqual({ outShape: [2, 3], mode: 1, inner: 1 });
    expect(broadcastPlan([1], [4, 5])).toEqual({ outShape: [4, 5], mode: 2, inner: 1 });
    expect(broadcastPlan([2, 4, 4, 8], [8])).toEqual({ outShape: [2, 4, 4, 8], mode: 3, inner: 8 });
    expect(broadcastPlan([1, 1, 1, 8], [2, 4, 4, 8])).toEqual({ outShape: [2, 4, 4, 8], mode: 4, inner: 8 });
    expect(broadcastPlan([2, 4, 4, 8], [2, 1, 1, 1])).toEqual({ outShape: [2, 4, 4, 8], mode: 5, inner: 128 });
    expect(broadcastPlan([2, 1], [2, 6])).toEqual({ outShape: [2, 6], mode: 6, inner: 6 });
    expect(broadcastPlan([2, 1, 3], [1, 4, 1])).toBeNull(); // both sides broadcast
    expect(broadcastPlan([4, 1, 8], [4, 5, 8])).toBeNull(); // a middle axis
  });
});

describe('stridedPlan', () => {
  it('reads broadcast axes with stride 0 and merges axes both inputs walk alike', () => {
    // B×N×1×F − B×1×N×F (the geometry encoder's pairwise differences)
    const plan = stridedPlan([2, 5, 1, 3], [2, 1, 5, 3]);
    expect(plan.outShape).toEqual([2, 5, 5, 3]);
    expect(Array.from(plan.shape)).toEqual([2, 5, 5, 3]);
    expect(Array.from(plan.aStrides)).toEqual([15, 3, 0, 1]);
    expect(Array.from(plan.bStrides)).toEqual([15, 0, 3, 1]);
    // a middle axis: 4×1×8 against 4×5×8; size-1 axes dropped, nothing to merge
    const middle = stridedPlan([4, 1, 8], [1, 4, 5, 8]);
    expect(Array.from(middle.shape)).toEqual([4, 5, 8]);
    expect(Array.from(middle.aStrides)).toEqual([8, 0, 1]);
    expect(Array.from(middle.bStrides)).toEqual([40, 8, 1]);
    // same shapes merge into one axis; scalars give one axis of stride 0
    expect(Array.from(stridedPlan([3, 4], [3, 4]).shape)).toEqual([12]);
    expect(Array.from(stridedPlan([], [1, 1]).shape)).toEqual([1]);
  });
});

const binaries: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
  ['Add', tf.add],
  ['Sub', tf.sub],
  ['Multiply', tf.mul],
  ['RealDiv', tf.div],
  ['Maximum', tf.maximum],
  ['Minimum', tf.minimum],
  ['SquaredDifference', tf.squaredDifference],
];
const pairs: [number[], number[]][] = [
  [[2, 5, 5, 6], [2, 5, 5, 6]],
  [[2, 5, 5, 6], []],
  [[], [3, 4]],
  [[4, 3, 3, 16], [16]],
  [[1, 1, 16], [4, 3, 3, 16]],
  [[4, 3, 3, 16], [4, 1, 1, 1]],
  [[5, 1], [5, 7]],
  [[3, 1, 4], [1, 2, 4]], // both broadcast: strided
  [[4, 1, 8], [4, 5, 8]], // a middle axis: strided
  [[2, 6, 1, 3], [2, 1, 6, 3]], // pairwise differences: strided
  [[3, 1], [1, 70_000]], // strided, threaded
  [[64, 32, 32], [64, 32, 32]], // large enough for the threaded path
];

describe.skipIf(!nativeReady)('native element-wise kernels match cpu', () => {
  for (const [name, op] of binaries) {
    it(`${name}: every broadcast form, forward and gradients`, () => {
      for (const [aShape, bShape] of pairs) {
        // Keep divisors away from 0 so RealDiv's relative error stays meaningful.
        const specs = [input(aShape, 7), input(bShape, 8)];
        if (name === 'RealDiv') specs[1]!.values.forEach((v, i, arr) => (arr[i] = v >= 0 ? v + 0.5 : v - 0.5));
        expectSameAsCpu(specs, (a, b) => op(a!, b!));
        // tfjs's own gradients of Maximum/Minimum/SquaredDifference do not reduce broadcast
        // inputs (they throw on cpu too), so those are checked on same-shape pairs only.
        const gradientDefined = ['Add', 'Sub', 'Multiply', 'RealDiv'].includes(name) || aShape.join() === bShape.join();
        if (gradientDefined) {
          expectSameAsCpu(specs, (a, b) => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(op(x, y))))([a!, b!]));
        }
      }
    });
  }

  const unaries: [string, (x: tf.Tensor) => tf.Tensor, boolean][] = [
    ['Relu', tf.relu, false],
    ['Relu6', tf.relu6, false],
    ['LeakyRelu', (x) => tf.leakyRelu(x, 0.15), false],
    ['Step', (x) => tf.step(x, 0.25), false],
    ['Sqrt', tf.sqrt, true],
    ['Rsqrt', tf.rsqrt, true],
    ['Square', tf.square, false],
    ['Neg', tf.neg, false],
    ['Exp', tf.exp, false],
    ['Log', tf.log, true],
    ['Abs', tf.abs, false],
    ['Sigmoid', tf.sigmoid, false],
    ['Tanh', tf.tanh, false],
    ['Reciprocal', tf.reciprocal, true],
    ['Elu', tf.elu, false],
  ];
  for (const [name, op, positive] of unaries) {
    it(`${name}: forward and gradient`, () => {
      const spec = input([3, 17, 11, 8], 9);
      if (positive) spec.values.forEach((v, i, arr) => (arr[i] = Math.abs(v) + 0.1));
      expectSameAsCpu([spec], (x) => op(x!));
      expectSameAsCpu([spec], (x) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(op(t), tf.sin(t))))(x!));
    });
  }

  it('AddN of four same-shape tensors', () => {
    const specs = [1, 2, 3, 4].map((s) => input([5, 6, 7], s));
    expectSameAsCpu(specs, (...xs) => tf.addN(xs));
  });

  it('FusedBatchNorm with per-channel and scalar parameters, and its gradients', () => {
    const x = input([4, 6, 6, 12], 1);
    const mean = input([12], 2);
    const variance = input([12], 3);
    variance.values.forEach((v, i, arr) => (arr[i] = Math.abs(v) + 0.2));
    const offset = input([12], 4);
    const scale = input([1], 5);
    expectSameAsCpu([x, mean, variance, offset, scale], (a, m, v, o, s) => tf.batchNorm(a!, m!, v!, o!, s!, 0.001));
    expectSameAsCpu([x, mean, variance], (a, m, v) => tf.batchNorm(a!, m!, v!));
    // (tfjs's batchNorm gradient needs per-channel scale: a scalar one throws on cpu too)
    const channelScale = input([12], 6);
    expectSameAsCpu([x, mean, variance, offset, channelScale], (a, m, v, o, s) =>
      tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor, t: tf.Tensor, u: tf.Tensor) =>
        tf.sum(tf.square(tf.batchNorm(p, q, r, t, u, 0.001))),
      )([a!, m!, v!, o!, s!]),
    );
  });

  it('FusedBatchNorm gradient: the fused native kernel (per-channel) matches tfjs on cpu', () => {
    for (const shape of [[16, 8, 8, 32], [6, 5]]) {
      const c = shape[shape.length - 1]!;
      const variance = input([c], 3);
      variance.values.forEach((v, i, arr) => (arr[i] = Math.abs(v) + 0.2));
      const specs = [input(shape, 1), input([c], 2), variance, input([c], 4), input([c], 5)];
      const probe = (p: tf.Tensor, q: tf.Tensor, r: tf.Tensor, t: tf.Tensor, u: tf.Tensor) =>
        tf.sum(tf.mul(tf.batchNorm(p, q, r, t, u, 0.01), tf.sin(p)));
      expectSameAsCpu(specs, (a, m, v, o, s) => tf.grads(probe)([a!, m!, v!, o!, s!]));
      const counts = countAddonCalls(loadAddon().addon!, () => {
        runOn('native', specs, (a, m, v, o, s) => tf.grads(probe)([a!, m!, v!, o!, s!]));
      });
      expect(counts.batchNormGrad).toBe(1);
    }
  });

  it('comparisons: every broadcast form and NaN, into bool tensors', () => {
    const comparisons: ((a: tf.Tensor, b: tf.Tensor) => tf.Tensor)[] = [tf.greater, tf.greaterEqual, tf.less, tf.lessEqual, tf.equal, tf.notEqual];
    for (const compare of comparisons) {
      for (const [aShape, bShape] of pairs) {
        const specs = [input(aShape, 7), input(bShape, 8)];
        // exact ties and NaN in a, rounded values so that equality happens
        specs.forEach((spec) => spec.values.forEach((v, i, arr) => (arr[i] = Math.round(v * 2) / 2)));
        if (specs[0]!.values.length > 3) specs[0]!.values[3] = NaN;
        expectSameAsCpu(specs, (a, b) => {
          const result = compare(a!, b!);
          expect(result.dtype).toBe('bool');
          return tf.cast(result, 'float32');
        });
      }
    }
    const counts = countAddonCalls(loadAddon().addon!, () => runOn('native', [input([4, 5], 1), input([5], 2)], (a, b) => tf.cast(tf.less(a!, b!), 'float32')));
    expect(counts.compare).toBe(1);
  });

  it('runs the addon for the common forms and leaves int32 to cpu', () => {
    const addon = loadAddon().addon!;
    const counts = countAddonCalls(addon, () => {
      runOn('native', [input([4, 4, 4, 8], 1), input([8], 2)], (a, b) => tf.relu(tf.add(a!, b!)));
      const ints = tf.tidy(() => tf.add(tf.tensor1d([1, 2], 'int32'), tf.tensor1d([3, 4], 'int32')).arraySync());
      expect(ints).toEqual([4, 6]);
    });
    expect(counts.binary).toBe(1);
    expect(counts.unary).toBe(1);
  });
});
