// Conv2DBackpropInput / Conv2DBackpropFilter on wasm (this package's kernels) against the
// cpu backend: strides 1 and 2, same and valid padding, 1×1 / 3×3 / 5×5 filters, 1 to 64
// channels, batch 1–4. Gradients through tf.grads, so the kernels run as in training.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { setMaxIm2colValues } from './conv2d-backprop-filter.js';
import { onBothBackends, relativeError, seededValues } from './test-support.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
});

type Case = { batch: number; size: [number, number]; cin: number; cout: number; k: number; stride: 1 | 2; pad: 'same' | 'valid' };

const cases: Case[] = [];
const channels: [number, number][] = [[1, 1], [3, 8], [16, 5], [64, 64]];
for (const k of [1, 3, 5]) {
  for (const stride of [1, 2] as const) {
    for (const pad of ['same', 'valid'] as const) {
      channels.forEach(([cin, cout], i) => {
        const size: [number, number] = cin === 64 ? [6, 7] : [9, 8];
        cases.push({ batch: 1 + ((i + k + stride) % 4), size, cin, cout, k, stride, pad });
      });
    }
  }
}

function convGradients(c: Case, seed: number): () => tf.Tensor[] {
  const xShape = [c.batch, c.size[0], c.size[1], c.cin];
  const wShape = [c.k, c.k, c.cin, c.cout];
  const xv = seededValues(xShape.reduce((a, b) => a * b), seed);
  const wv = seededValues(wShape.reduce((a, b) => a * b), seed + 1);
  return () => {
    const x = tf.tensor4d(xv, xShape as [number, number, number, number]);
    const w = tf.tensor4d(wv, wShape as [number, number, number, number]);
    const y0 = tf.conv2d(x, w, c.stride, c.pad);
    const dy = tf.tensor(seededValues(y0.size, seed + 2), y0.shape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), dy)))([x, w]);
    return [dx!, dw!];
  };
}

describe('conv gradients on wasm equal cpu (relative error ≤ 1e-4)', () => {
  cases.forEach((c, i) => {
    const name = `B${c.batch} ${c.size.join('×')}×${c.cin}→${c.cout} ${c.k}×${c.k}/${c.stride} ${c.pad}`;
    it(name, () => {
      const { wasm, cpu, leakedTensors, leakedBuffers } = onBothBackends(convGradients(c, 100 + i));
      expect(relativeError(wasm[0]!, cpu[0]!), 'dx').toBeLessThanOrEqual(1e-4);
      expect(relativeError(wasm[1]!, cpu[1]!), 'dw').toBeLessThanOrEqual(1e-4);
      expect(leakedTensors).toBe(0);
      expect(leakedBuffers).toBe(0);
    });
  });

  it('BackpropFilter in batch chunks (im2col limit below one batch) gives the same dW', () => {
    const c: Case = { batch: 4, size: [9, 8], cin: 5, cout: 6, k: 3, stride: 2, pad: 'same' };
    const previous = setMaxIm2colValues(3 * 5 * 9 * 20); // ≈ one image's colᵀ per chunk
    try {
      const { wasm, cpu, leakedBuffers } = onBothBackends(convGradients(c, 7));
      expect(relativeError(wasm[1]!, cpu[1]!)).toBeLessThanOrEqual(1e-4);
      expect(leakedBuffers).toBe(0);
    } finally {
      setMaxIm2colValues(previous);
    }
  });

  it('unequal row and column strides (wasm built-in input gradient as fallback)', () => {
    const xv = seededValues(2 * 9 * 8 * 3, 11);
    const wv = seededValues(3 * 3 * 3 * 4, 12);
    const { wasm, cpu, leakedBuffers } = onBothBackends(() => {
      const x = tf.tensor4d(xv, [2, 9, 8, 3]);
      const w = tf.tensor4d(wv, [3, 3, 3, 4]);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, [1, 2], 'same'))))([x, w]);
      return [dx!, dw!];
    });
    expect(relativeError(wasm[0]!, cpu[0]!)).toBeLessThanOrEqual(1e-4);
    expect(relativeError(wasm[1]!, cpu[1]!)).toBeLessThanOrEqual(1e-4);
    expect(leakedBuffers).toBe(0);
  });

  it('a filter gradient runs where tfjs-backend-wasm alone has no kernel', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });
});
