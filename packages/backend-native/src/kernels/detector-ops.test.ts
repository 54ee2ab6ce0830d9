// The kernels face-api's detectors and 68-landmark net run (depthwise convolutions, pooling,
// ClipByValue, ResizeBilinear, Concat/Pack/Unpack, PadV2, Cast, Fill, Reshape, ExpandDims):
// native against cpu, forward and (where tfjs has one) gradient, and proof the addon ran.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadAddon } from '../addon.js';
import { countAddonCalls, expectSameAsCpu, input, nativeReady, runOn } from '../test-helpers.js';

/** A fixed, non-uniform upstream gradient: Σ y·sin(index). */
const weightedSum = (y: tf.Tensor): tf.Scalar => tf.sum(tf.mul(y, tf.sin(tf.range(0, y.size).reshape(y.shape))));

/**
 * Runs `fn` on cpu and native with (int32, bool, NaN…) inputs made by `make`; dtypes and shapes
 * must agree, values exactly or, with `tol`, to |native − cpu| ≤ tol·max(1, |cpu|).
 */
function expectExactlyAsCpu(make: () => tf.Tensor[], fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[], tol = 0): void {
  const run = (backend: string) => {
    tf.setBackend(backend);
    const before = tf.memory().numTensors;
    const inputs = make();
    const outs = tf.tidy(() => { const r = fn(...inputs); return Array.isArray(r) ? r : [r]; });
    const result = outs.map((t) => ({ dtype: t.dtype, shape: t.shape, values: Array.from(t.dataSync() as ArrayLike<number>) }));
    tf.dispose([...outs, ...inputs]);
    return { result, leaked: tf.memory().numTensors - before };
  };
  const cpu = run('cpu');
  const native = run('native');
  expect(native.leaked).toBe(0);
  if (tol === 0) {
    expect(native.result).toEqual(cpu.result);
    return;
  }
  expect(native.result.map((r) => [r.dtype, r.shape])).toEqual(cpu.result.map((r) => [r.dtype, r.shape]));
  native.result.forEach((r, i) => r.values.forEach((v, j) => {
    const reference = cpu.result[i]!.values[j]!;
    expect(Math.abs(v - reference)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(reference)));
  }));
}

interface DepthwiseCase { shape: number[]; kernel: number; multiplier: number; stride: number; pad: 'same' | 'valid'; dilation?: number }
const depthwiseCases: DepthwiseCase[] = [
  { shape: [1, 19, 19, 32], kernel: 3, multiplier: 1, stride: 1, pad: 'same' }, // SSD MobileNet v1
  { shape: [1, 38, 38, 64], kernel: 3, multiplier: 1, stride: 2, pad: 'same' },
  { shape: [2, 9, 11, 3], kernel: 3, multiplier: 2, stride: 1, pad: 'valid' },
  { shape: [3, 12, 12, 8], kernel: 5, multiplier: 1, stride: 2, pad: 'same' },
  { shape: [1, 10, 10, 1], kernel: 3, multiplier: 4, stride: 1, pad: 'same' },
  { shape: [2, 13, 13, 6], kernel: 3, multiplier: 1, stride: 1, pad: 'same', dilation: 2 },
];

describe.skipIf(!nativeReady)('native depthwise convolution matches cpu', () => {
  for (const c of depthwiseCases) {
    const label = `${c.shape.join('×')} k${c.kernel} ×${c.multiplier} s${c.stride} ${c.pad} d${c.dilation ?? 1}`;
    const specs = (seed: number) => [input(c.shape, seed), input([c.kernel, c.kernel, c.shape[3]!, c.multiplier], seed + 1)];
    it(`forward ${label}`, () => {
      expectSameAsCpu(specs(3), (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad, 'NHWC', c.dilation ?? 1));
    });
    if (c.dilation === undefined) {
      it(`gradients (x and filter) ${label}`, () => {
        const probe = (x: tf.Tensor, w: tf.Tensor) => weightedSum(tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad));
        expectSameAsCpu(specs(7), (x, w) => tf.grads(probe)([x!, w!]));
      });
    }
  }

  for (const activation of ['linear', 'relu', 'relu6'] as const) {
    it(`FusedDepthwiseConv2D with bias and ${activation}`, () => {
      expectSameAsCpu([input([2, 10, 10, 16], 1), input([3, 3, 16, 1], 2), input([16], 3)], (x, w, b) =>
        tf.fused.depthwiseConv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same', bias: b, activation }),
      );
    });
  }

  it('runs the addon for forward, input gradient and filter gradient', () => {
    const counts = countAddonCalls(loadAddon().addon!, () => {
      runOn('native', [input([1, 8, 8, 4], 1), input([3, 3, 4, 2], 2)], (x, w) =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')))([x!, w!]),
      );
    });
    expect(counts.conv2d).toBeGreaterThanOrEqual(1);
    expect(counts.conv2dBackpropInput).toBe(1);
    expect(counts.conv2dBackpropFilter).toBe(1);
  });
});

describe.skipIf(!nativeReady)('native pooling matches cpu', () => {
  const cases: [number[], number, number, 'same' | 'valid'][] = [
    [[1, 13, 13, 64], 2, 2, 'same'], // Tiny Face Detector
    [[1, 13, 13, 32], 2, 1, 'same'],
    [[2, 7, 7, 256], 7, 2, 'valid'], // the landmark net's global average
    [[3, 9, 10, 5], 3, 2, 'same'],
    [[1, 8, 8, 3], 3, 3, 'valid'],
  ];
  for (const [shape, size, stride, pad] of cases) {
    for (const kind of ['maxPool', 'avgPool'] as const) {
      it(`${kind} ${shape.join('×')} ${size}×${size} s${stride} ${pad}, forward and gradient`, () => {
        const op = (x: tf.Tensor) => tf[kind](x as tf.Tensor4D, size, stride, pad);
        expectSameAsCpu([input(shape, 5)], (x) => [op(x!), tf.grad((t: tf.Tensor) => weightedSum(op(t)))(x!)]);
      });
    }
  }

  it('runs the addon', () => {
    const counts = countAddonCalls(loadAddon().addon!, () => {
      runOn('native', [input([1, 6, 6, 2], 1)], (x) => [tf.maxPool(x as tf.Tensor4D, 2, 2, 'same'), tf.avgPool(x as tf.Tensor4D, 2, 2, 'same')]);
    });
    expect(counts.pool2d).toBe(2);
  });
});

describe.skipIf(!nativeReady)('native ClipByValue and ResizeBilinear match cpu', () => {
  it('ClipByValue (relu6 as SSD writes it), forward and gradient', () => {
    const spec = input([2, 19, 19, 8], 9);
    spec.values.forEach((v, i) => { spec.values[i] = v * 10; });
    const op = (x: tf.Tensor) => tf.clipByValue(x, 0, 6);
    expectSameAsCpu([spec], (x) => [op(x!), tf.grad((t: tf.Tensor) => weightedSum(op(t)))(x!)]);
  });

  it('ClipByValue keeps NaN', () => {
    expectExactlyAsCpu(() => [tf.tensor1d([Number.NaN, -3, 2, 9])], (x) => tf.clipByValue(x!, -1, 5));
  });

  const cases: [number[], [number, number], boolean, boolean][] = [
    [[1, 480, 640, 3], [300, 300], false, false], // SSD input
    [[1, 37, 41, 3], [112, 112], false, false], // a face crop for the landmark net
    [[2, 8, 8, 5], [13, 17], true, false],
    [[1, 9, 7, 4], [4, 5], false, true],
    [[3, 6, 6, 2], [6, 6], false, false], // same size: the identity
  ];
  for (const [shape, size, alignCorners, halfPixelCenters] of cases) {
    const op = (x: tf.Tensor) => tf.image.resizeBilinear(x as tf.Tensor4D, size, alignCorners, halfPixelCenters);
    it(`ResizeBilinear ${shape.join('×')} → ${size.join('×')} align=${alignCorners} half=${halfPixelCenters}: forward as cpu, gradient its exact adjoint`, () => {
      expectSameAsCpu([input(shape, 2)], (x) => op(x!));
      // The gradient g = Aᵀ·dy of the linear map y = A·x satisfies Σ y·dy = Σ x·g for every x, dy.
      const x = input(shape, 4);
      const [y, g] = runOn('native', [x], (t) => [op(t!), tf.grad((u: tf.Tensor) => weightedSum(op(u)))(t!)]).values as [Float32Array, Float32Array];
      const dy = Float32Array.from({ length: y.length }, (_, i) => Math.sin(i));
      let yDy = 0, xG = 0, scale = 0;
      y.forEach((v, i) => { yDy += v * dy[i]!; scale += Math.abs(v * dy[i]!); });
      x.values.forEach((v, i) => { xG += v * g[i]!; });
      expect(Math.abs(yDy - xG)).toBeLessThanOrEqual(1e-5 * scale);
    });
  }

  it('ResizeBilinear gradient equals the cpu one where that is right (square images, no half-pixel centres)', () => {
    const op = (x: tf.Tensor) => tf.image.resizeBilinear(x as tf.Tensor4D, [13, 13], false, false);
    expectSameAsCpu([input([2, 8, 8, 3], 6)], (x) => tf.grad((t: tf.Tensor) => weightedSum(op(t)))(x!));
    const counts = countAddonCalls(loadAddon().addon!, () => { runOn('native', [input([1, 4, 4, 1], 1)], (x) => tf.grad((t: tf.Tensor) => tf.sum(op(t)))(x!)); });
    expect(counts.resizeBilinearGrad).toBe(1);
  });

  it('ResizeBilinear of int32 pixels (face-api resizes its int32 image) and the addon ran', () => {
    const make = () => [tf.tensor4d(Int32Array.from({ length: 2 * 9 * 7 * 3 }, (_, i) => (i * 37) % 256), [2, 9, 7, 3], 'int32')];
    const counts = countAddonCalls(loadAddon().addon!, () => {
      expectExactlyAsCpu(make, (x) => tf.image.resizeBilinear(x as tf.Tensor4D, [5, 11]), 1e-5);
    });
    expect(counts.resizeBilinear).toBeGreaterThanOrEqual(1);
  });
});

describe.skipIf(!nativeReady)('native Concat, Pack, Unpack, PadV2 match cpu', () => {
  it('Concat along every axis, forward and gradient', () => {
    for (const axis of [0, 1, 2, 3, -1]) {
      const shapes = [[2, 3, 4, 5], [2, 3, 4, 5], [2, 3, 4, 5]].map((s, i) => { const t = [...s]; t[axis < 0 ? 3 : axis] += i; return t; });
      const specs = shapes.map((s, i) => input(s, 10 + i));
      expectSameAsCpu(specs, (...xs) => [tf.concat(xs, axis), ...tf.grads((...ts: tf.Tensor[]) => weightedSum(tf.concat(ts, axis)))(xs)]);
    }
  });

  it('Concat with an empty input, of 1-D tensors, and of int32 and bool tensors', () => {
    expectSameAsCpu([input([3, 0], 1), input([3, 4], 2)], (a, b) => tf.concat([a!, b!], 1));
    expectSameAsCpu([input([5], 1), input([2], 2)], (a, b) => tf.concat([a!, b!]));
    expectExactlyAsCpu(
      () => [tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor2d([5, 6], [2, 1], 'int32'), tf.tensor2d([1, 0, 1, 1], [2, 2], 'bool'), tf.tensor2d([0, 1], [2, 1], 'bool')],
      (a, b, c, d) => [tf.concat([a!, b!], 1), tf.concat([c!, d!], 1)],
    );
  });

  it('Pack and Unpack along each axis, forward and gradient', () => {
    for (const axis of [0, 1, 2, -1]) {
      const specs = [0, 1, 2].map((i) => input([4, 3], 20 + i));
      expectSameAsCpu(specs, (...xs) => [tf.stack(xs, axis), ...tf.grads((...ts: tf.Tensor[]) => weightedSum(tf.stack(ts, axis)))(xs)]);
    }
    for (const axis of [0, 1, 2]) {
      expectSameAsCpu([input([3, 4, 5], 30)], (x) => [...tf.unstack(x!, axis), tf.grad((t: tf.Tensor) => tf.addN(tf.unstack(t, axis).map(weightedSum)))(x!)]);
    }
  });

  it('the addon ran for Concat, Pack and Unpack', () => {
    const counts = countAddonCalls(loadAddon().addon!, () => {
      runOn('native', [input([2, 3], 1), input([2, 3], 2)], (a, b) => [tf.concat([a!, b!], 1), tf.stack([a!, b!]), ...tf.unstack(a!, 1)]);
    });
    expect(counts.concat).toBe(2);
    expect(counts.copyStrided).toBeGreaterThanOrEqual(3);
  });

  it('PadV2 (Tiny Face Detector pads before each pool), forward and gradient; int32 and bool', () => {
    const paddings: [number, number][] = [[0, 0], [0, 1], [2, 1], [0, 0]];
    const op = (x: tf.Tensor) => tf.pad(x, paddings, 0.5);
    expectSameAsCpu([input([2, 5, 6, 3], 4)], (x) => [op(x!), tf.grad((t: tf.Tensor) => weightedSum(op(t)))(x!)]);
    expectSameAsCpu([input([7], 4)], (x) => tf.pad(x!, [[3, 2]], -1));
    expectExactlyAsCpu(
      () => [tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), tf.tensor2d([1, 0, 0, 1], [2, 2], 'bool')],
      (a, b) => [tf.pad(a!, [[1, 0], [0, 2]], 7), tf.pad(b!, [[0, 1], [1, 1]], 1)],
    );
    const counts = countAddonCalls(loadAddon().addon!, () => { runOn('native', [input([2, 2], 1)], (x) => op(x!.reshape([1, 2, 2, 1]))); });
    expect(counts.pad).toBe(1);
  });
});

describe.skipIf(!nativeReady)('native Cast, Fill, Reshape, ExpandDims match cpu', () => {
  it('Cast between float32, int32 and bool (truncation, NaN, ±Infinity, wrap-around)', () => {
    const floats = [1.7, -1.7, 0, -0, 2.5, -2.5, Number.NaN, Infinity, -Infinity, 3e9, -3e9, 2147483647.5];
    expectExactlyAsCpu(
      () => [tf.tensor1d(floats), tf.tensor1d([3, -4, 0, 16777216], 'int32'), tf.tensor1d([1, 0, 1], 'bool')],
      (f, i, b) => [f!.cast('int32'), f!.cast('bool'), i!.cast('float32'), i!.cast('bool'), b!.cast('float32'), b!.cast('int32'),
        i!.cast('float32').cast('int32'), b!.cast('int32').cast('bool')],
    );
  });

  it('Cast gives float kernels a Float32Array: an int32 image resized after a cast runs natively', () => {
    const counts = countAddonCalls(loadAddon().addon!, () => {
      expectExactlyAsCpu(
        () => [tf.tensor4d(Int32Array.from({ length: 48 }, (_, i) => i * 5), [1, 4, 4, 3], 'int32')],
        (x) => tf.image.resizeBilinear(x!.cast('float32') as tf.Tensor4D, [3, 3]),
        1e-5,
      );
    });
    expect(counts.cast).toBe(1);
    expect(counts.resizeBilinear).toBe(1);
  });

  it('Fill, Reshape, ExpandDims and Identity (no data moved), and the cast gradient', () => {
    expectExactlyAsCpu(() => [], () => [tf.fill([2, 3], 1.5), tf.fill([4], 7, 'int32'), tf.zeros([2, 2], 'bool'), tf.ones([3])]);
    expectSameAsCpu([input([2, 3, 4], 1)], (x) => [x!.reshape([4, -1]), tf.engine().runKernel('Identity', { x: x! }) as tf.Tensor, x!.expandDims(1), x!.expandDims(-1), tf.grad((t: tf.Tensor) => weightedSum(t.reshape([6, 4]).expandDims(0)))(x!)]);
    expectSameAsCpu([input([5], 2)], (x) => tf.grad((t: tf.Tensor) => weightedSum(t.cast('float32').mul(2)))(x!));
    expect(() => runOn('native', [input([2, 3], 1)], (x) => x!.reshape([4, 2]))).toThrow(/shape/);
  });
});
