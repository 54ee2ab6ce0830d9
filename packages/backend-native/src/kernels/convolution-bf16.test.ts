import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAddon } from '../addon.js';
import { nativePrecision, precisionFromEnv, setNativePrecision } from '../precision.js';
import { input, nativeReady, runOn, type InputSpec } from '../test-helpers.js';
import { convDims } from './convolution.js';

// bf16 keeps 8 significant bits: rounding to nearest errs by at most u = 2⁻⁸ relative. A
// product of two rounded inputs is off by ≤ (2u + u²)·|x·w|, and fp32 accumulation of K terms
// adds ≤ K·2⁻²⁴ relative to Σ|x·w|. So each output element must lie within
// (2u + u² + K·2⁻²⁴) · (the same convolution of |x| and |w|) of the fp32 result — a bound per
// element, computed on the cpu backend, that holds for any inputs.
const U = 2 ** -8;

interface Case {
  batch: number;
  size: number;
  inC: number;
  outC: number;
  kernel: number;
  stride: number;
}
const cases: Case[] = [
  { batch: 2, size: 9, inC: 3, outC: 8, kernel: 3, stride: 2 },
  { batch: 4, size: 16, inC: 32, outC: 48, kernel: 3, stride: 1 },
  { batch: 2, size: 8, inC: 64, outC: 64, kernel: 3, stride: 2 },
  { batch: 3, size: 16, inC: 32, outC: 48, kernel: 1, stride: 2 },
];

type Op = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor;
function ops(c: Case): Record<string, { op: Op; specs: (seed: number) => InputSpec[]; terms: number }> {
  const out = Math.ceil(c.size / c.stride);
  const xShape = [c.batch, c.size, c.size, c.inC];
  const wShape = [c.kernel, c.kernel, c.inC, c.outC];
  const dyShape = [c.batch, out, out, c.outC];
  return {
    forward: { op: (x, w) => tf.conv2d(x, w, c.stride, 'same'), specs: (s) => [input(xShape, s), input(wShape, s + 1)], terms: c.kernel * c.kernel * c.inC },
    'backprop input': {
      op: (dy, w) => tf.conv2dTranspose(dy, w, xShape as [number, number, number, number], c.stride, 'same'),
      specs: (s) => [input(dyShape, s), input(wShape, s + 1)],
      terms: c.kernel * c.kernel * c.outC,
    },
    'backprop filter': {
      op: (x, dy) => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: c.stride, pad: 'same', dataFormat: 'NHWC', filterShape: wShape }) as tf.Tensor,
      specs: (s) => [input(xShape, s), input(dyShape, s + 1)],
      terms: c.batch * out * out,
    },
  };
}

describe.skipIf(!nativeReady)('bf16 convolutions (G2RL_NATIVE_PRECISION=bf16) against cpu fp32', () => {
  const addon = loadAddon().addon;
  const hasBf16 = addon != null && (() => {
    try {
      addon.fmaPeak(1, 1, 'bf16');
      return true;
    } catch {
      return false;
    }
  })();
  afterAll(() => {
    if (addon) setNativePrecision('fp32');
  });

  it('reads the setting and refuses anything but fp32/bf16, naming the variable', () => {
    expect(precisionFromEnv(undefined)).toBe('fp32');
    expect(precisionFromEnv('bf16')).toBe('bf16');
    expect(() => precisionFromEnv('fp16')).toThrow(/G2RL_NATIVE_PRECISION.*'fp16'/);
    expect(nativePrecision()).toBe('fp32');
  });

  for (const c of cases) {
    for (const [kind, { op, specs, terms }] of Object.entries(ops(c))) {
      it.skipIf(!hasBf16)(`${kind} B${c.batch} ${c.size}²×${c.inC}→${c.outC} k${c.kernel} s${c.stride}: within the bf16 rounding bound, and rounded`, () => {
        const inputs = specs(7);
        const reference = runOn('cpu', inputs, (a, b) => op(a as tf.Tensor4D, b as tf.Tensor4D)).values[0]!;
        const bound = runOn('cpu', inputs, (a, b) => op(tf.abs(a!) as tf.Tensor4D, tf.abs(b!) as tf.Tensor4D)).values[0]!;
        setNativePrecision('bf16');
        let result: ReturnType<typeof runOn>;
        try {
          result = runOn('native', inputs, (a, b) => op(a as tf.Tensor4D, b as tf.Tensor4D));
        } finally {
          setNativePrecision('fp32');
        }
        expect(result.leaked).toBe(0);
        const got = result.values[0]!;
        const factor = 2 * U + U * U + terms * 2 ** -24;
        let worst = 0;
        let largest = 0;
        for (let i = 0; i < reference.length; i++) {
          const error = Math.abs(got[i]! - reference[i]!);
          worst = Math.max(worst, error / (factor * bound[i]! + 1e-30));
          largest = Math.max(largest, error / Math.max(1e-30, bound[i]!));
        }
        expect(worst).toBeLessThanOrEqual(1);
        // the unpadded 1×1 weight gradient is one fp32 sgemm (exact to fp32); everything else
        // must show bf16 rounding, or the test would pass an fp32 kernel
        const sgemm = kind === 'backprop filter' && c.kernel === 1;
        if (sgemm) expect(largest).toBeLessThan(1e-5);
        else expect(largest).toBeGreaterThan(1e-4);
      });
    }
  }

  // On a team of T ≥ 2 the addon splits a bf16 weight gradient by images itself (one
  // one-thread primitive per share, partials summed in share order; convolution.cc,
  // splitBackpropFilterBf16): the result must be, bit for bit, the fp32 sum of the one-thread
  // gradients of each share's images computed separately, and the same on every run.
  const team = addon?.info().threads ?? 1;
  it.skipIf(!hasBf16 || team < 2 || process.env.G2RL_NATIVE_BF16_WEIGHT_THREADS !== undefined)(
    `bf16 weight gradient split over ${team} threads: the share-order sum of one-thread share gradients, bit for bit, every run`,
    () => {
      const [batch, size, inC, outC] = [5, 12, 16, 24]; // 5 images: shares of 3 and 2 on 2 threads
      const shares = Array.from({ length: team }, (_, t) => Math.floor(batch / team) + (t < batch % team ? 1 : 0));
      const x = input([batch, size, size, inC], 21);
      const dy = input([batch, size, size, outC], 22);
      const filterShape = [3, 3, inC, outC];
      const gradient = (xs: tf.Tensor4D, dys: tf.Tensor4D) =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x: xs, dy: dys }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape }) as tf.Tensor;
      setNativePrecision('bf16');
      try {
        const runs = [0, 1, 2].map(() => runOn('native', [x, dy], (a, b) => gradient(a as tf.Tensor4D, b as tf.Tensor4D)).values[0]!);
        addon!.setThreads(1);
        let expected: Float32Array | undefined;
        try {
          let first = 0;
          for (const count of shares) {
            const part = runOn('native', [x, dy], (a, b) =>
              gradient(a!.slice(first, count) as tf.Tensor4D, b!.slice(first, count) as tf.Tensor4D),
            ).values[0]!;
            expected = expected ? expected.map((v, i) => Math.fround(v + part[i]!)) : part.slice();
            first += count;
          }
        } finally {
          addon!.setThreads(team);
        }
        for (const run of runs) expect(Buffer.from(run.buffer).equals(Buffer.from(expected!.buffer))).toBe(true);
      } finally {
        setNativePrecision('fp32');
      }
    },
  );

  it.skipIf(!hasBf16)('oneDNN picks a bf16 implementation for dense convolutions, fp32 for depthwise', () => {
    const info = tf.backend_util.computeConv2DInfo([4, 16, 16, 32], [3, 3, 32, 48], 1, 1, 'same');
    const dims = convDims(info)!;
    const depthwise = convDims(tf.backend_util.computeConv2DInfo([4, 16, 16, 32], [3, 3, 32, 1], 1, 1, 'same', undefined, true), true)!;
    setNativePrecision('bf16');
    try {
      for (const kind of [0, 1, 2]) expect(addon!.convImplementation(kind, dims)).toMatch(/bf16/);
      expect(addon!.convImplementation(0, depthwise)).not.toMatch(/bf16/);
    } finally {
      setNativePrecision('fp32');
    }
    expect(addon!.convImplementation(0, dims)).not.toMatch(/bf16/);
  });
});
