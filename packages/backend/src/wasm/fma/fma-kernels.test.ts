// The FMA tile kernels against the cpu backend: convolutions (1×1 to 5×5, strides 1 and 2,
// same / valid / explicit padding, dilation 2, C_out 4…64 incl. a narrow last panel, bias and
// ReLU fused) and matrix products (K blocked, batched, broadcast right operand, fused bias
// and ReLU), forward and through the gradients training takes; no tensor leaks.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../init-backend.js';
import { wasmFmaEnabled } from '../register.js';
import { onBothBackends, relativeError, seededValues } from '../test-support.js';
import { fmaKernelCalls } from './fma-kernels.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
});

const tensor = (shape: number[], seed: number) => tf.tensor(seededValues(shape.reduce((a, b) => a * b, 1), seed), shape);

describe('FMA tile kernels on wasm', () => {
  it('are in use on this machine (relaxed SIMD available)', () => {
    // CI runs on Node 20 with V8's relaxed SIMD behind a flag that tile-runtime.ts turns on.
    expect(wasmFmaEnabled()).toBe(true);
    expect(tf.getKernel('Conv2D', 'wasm')).toBeDefined();
  });

  type ConvCase = { b: number; h: number; w: number; cin: number; cout: number; k: number; stride: 1 | 2; pad: 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]]; dilation?: number };
  const convCases: ConvCase[] = [
    { b: 2, h: 9, w: 13, cin: 8, cout: 32, k: 3, stride: 2, pad: 'same' },
    { b: 1, h: 16, w: 16, cin: 48, cout: 48, k: 3, stride: 1, pad: 'same' },
    { b: 3, h: 8, w: 7, cin: 16, cout: 12, k: 1, stride: 1, pad: 'valid' },
    { b: 2, h: 11, w: 10, cin: 8, cout: 20, k: 5, stride: 2, pad: 'valid' },
    { b: 1, h: 12, w: 12, cin: 24, cout: 64, k: 3, stride: 1, pad: [[0, 0], [2, 0], [1, 3], [0, 0]] },
    { b: 2, h: 10, w: 9, cin: 8, cout: 16, k: 3, stride: 1, pad: 'same', dilation: 2 },
    { b: 2, h: 8, w: 8, cin: 96, cout: 4, k: 1, stride: 2, pad: 'same' },
  ];
  for (const c of convCases) {
    it(`conv2d ${c.k}×${c.k}/${c.stride} ${JSON.stringify(c.pad)}${c.dilation ? ` dilation ${c.dilation}` : ''}, ${c.cin}→${c.cout}, batch ${c.b}`, () => {
      const before = fmaKernelCalls.conv2d;
      const run = () => {
        const x = tensor([c.b, c.h, c.w, c.cin], 1) as tf.Tensor4D;
        const w = tensor([c.k, c.k, c.cin, c.cout], 2) as tf.Tensor4D;
        const bias = tensor([c.cout], 3) as tf.Tensor1D;
        const plain = tf.conv2d(x, w, c.stride, c.pad, 'NHWC', c.dilation ?? 1);
        const fused = tf.fused.conv2d({ x, filter: w, strides: c.stride, pad: c.pad, dilations: c.dilation ?? 1, bias, activation: 'relu' });
        return [plain, fused];
      };
      const r = onBothBackends(run);
      expect(fmaKernelCalls.conv2d - before).toBe(2);
      for (let i = 0; i < 2; i++) expect(relativeError(r.wasm[i]!, r.cpu[i]!)).toBeLessThan(1e-5);
      expect(r.leakedTensors).toBe(0);
      expect(r.leakedBuffers).toBe(0);
    });
  }

  it('conv2d gradients (the training path: BackpropInput runs Conv2D, BackpropFilter a product)', () => {
    const before = { ...fmaKernelCalls };
    const r = onBothBackends(() => {
      const x = tensor([4, 16, 16, 32], 4) as tf.Tensor4D;
      const w = tensor([3, 3, 32, 48], 5) as tf.Tensor4D;
      const dy = tensor([4, 8, 8, 48], 6);
      return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'), dy)))([x, w]);
    });
    expect(fmaKernelCalls.conv2d).toBeGreaterThan(before.conv2d);
    expect(fmaKernelCalls.matMul).toBeGreaterThan(before.matMul);
    for (let i = 0; i < 2; i++) expect(relativeError(r.wasm[i]!, r.cpu[i]!)).toBeLessThan(1e-5);
    expect(r.leakedTensors).toBe(0);
  });

  type MatCase = { a: number[]; b: number[]; fused?: boolean };
  const matCases: MatCase[] = [
    { a: [70, 600], b: [600, 36] }, // K over three blocks, a narrow last panel, 70 = 11 tiles of 6 + 4
    { a: [3, 20, 64], b: [3, 64, 16] }, // batched
    { a: [4, 33, 50], b: [1, 50, 24] }, // right operand broadcast
    { a: [1, 64, 300], b: [1, 300, 40], fused: true },
  ];
  for (const c of matCases) {
    it(`matMul ${c.a.join('×')} · ${c.b.join('×')}${c.fused ? ' + bias, ReLU' : ''}`, () => {
      const before = fmaKernelCalls.matMul;
      const r = onBothBackends(() => {
        const a = tensor(c.a, 7);
        const b = tensor(c.b, 8);
        if (!c.fused) return [tf.matMul(a, b)];
        const bias = tensor([c.b.at(-1)!], 9);
        return [tf.fused.matMul({ a: a as tf.Tensor3D, b: b as tf.Tensor3D, bias, activation: 'relu' })];
      });
      expect(fmaKernelCalls.matMul - before).toBe(1);
      expect(relativeError(r.wasm[0]!, r.cpu[0]!)).toBeLessThan(1e-5);
      expect(r.leakedTensors).toBe(0);
      expect(r.leakedBuffers).toBe(0);
    });
  }

  it('falls back to the original kernel where the tiles do not apply (C_out not a multiple of 4, leaky ReLU, 3 input channels)', () => {
    const before = fmaKernelCalls.conv2d;
    const r = onBothBackends(() => {
      const x = tensor([2, 12, 12, 16], 10) as tf.Tensor4D;
      return [
        tf.conv2d(x, tensor([3, 3, 16, 3], 11) as tf.Tensor4D, 1, 'same'),
        tf.fused.conv2d({ x, filter: tensor([3, 3, 16, 8], 12) as tf.Tensor4D, pad: 'same', strides: 1, activation: 'leakyrelu', leakyreluAlpha: 0.1 }),
        tf.conv2d(tensor([2, 16, 16, 3], 13) as tf.Tensor4D, tensor([3, 3, 3, 32], 14) as tf.Tensor4D, 2, 'same'),
      ];
    });
    expect(fmaKernelCalls.conv2d).toBe(before);
    for (let i = 0; i < 3; i++) expect(relativeError(r.wasm[i]!, r.cpu[i]!)).toBeLessThan(1e-5);
  });
});
