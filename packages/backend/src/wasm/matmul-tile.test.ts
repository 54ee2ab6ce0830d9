// BatchMatMul / _FusedMatMul with transposed operands and Tile on wasm against cpu.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { onBothBackends, relativeError, seededValues } from './test-support.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
});

const t = (shape: number[], seed: number) => tf.tensor(seededValues(shape.reduce((a, b) => a * b, 1), seed), shape);

describe('matMul with transposed operands on wasm equals cpu', () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[5, 7], [7, 3], false, false],
    [[7, 5], [7, 3], true, false],
    [[5, 7], [3, 7], false, true],
    [[7, 5], [3, 7], true, true],
    [[4, 40, 33], [4, 40, 9], true, false],
    [[4, 33, 40], [9, 40], false, true], // broadcast batch
    // Big right operand: computed as Cᵀ = op(b)ᵀ·op(a)ᵀ, then transposed.
    [[3, 40], [50, 40], false, true],
    [[4, 3, 40], [50, 40], false, true],
    [[40, 3], [50, 40], true, true],
    [[2, 40, 3], [2, 50, 40], true, true],
  ];
  for (const [aShape, bShape, ta, tb] of cases) {
    it(`${aShape.join('×')}${ta ? 'ᵀ' : ''} · ${bShape.join('×')}${tb ? 'ᵀ' : ''}`, () => {
      const r = onBothBackends(() => [tf.matMul(t(aShape, 1), t(bShape, 2), ta, tb)]);
      expect(relativeError(r.wasm[0]!, r.cpu[0]!)).toBeLessThanOrEqual(1e-5);
      expect(r.leakedBuffers).toBe(0);
    });
  }

  it('fused matMul (bias + relu) with transposeB, and a Dense gradient', () => {
    const r = onBothBackends(() => {
      const a = t([6, 10], 3);
      const w = t([4, 10], 4);
      const bias = t([4], 5);
      const fused = tf.fused.matMul({ a, b: w, transposeB: true, bias, activation: 'relu' });
      const [da, dw] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, false, true))))([a, w]);
      return [fused, da!, dw!];
    });
    r.wasm.forEach((v, i) => expect(relativeError(v, r.cpu[i]!)).toBeLessThanOrEqual(1e-5));
    expect(r.leakedTensors).toBe(0);
    expect(r.leakedBuffers).toBe(0);
  });
});

describe('Tile on wasm equals cpu', () => {
  it('float32 per-channel statistics to an activation shape, int32 and bool', () => {
    const r = onBothBackends(() => [
      tf.tile(t([1, 1, 1, 5], 6), [3, 4, 2, 1]),
      tf.tile(tf.tensor2d([[1, 2, 3]], [1, 3], 'int32'), [4, 2]).toFloat(),
      tf.tile(tf.tensor1d([true, false], 'bool'), [3]).toFloat(),
    ]);
    r.wasm.forEach((v, i) => expect([...v]).toEqual([...r.cpu[i]!]));
    expect(r.leakedBuffers).toBe(0);
  });
});

describe('ResizeNearestNeighborGrad on wasm equals the definition', () => {
  // Not compared with cpu: tfjs-backend-cpu 4.22 gets batch > 1 wrong.
  for (const [from, to, alignCorners] of [
    [[2, 4, 4, 16], [8, 8], false],
    [[3, 5, 3, 2], [10, 9], false],
    [[2, 4, 6, 3], [7, 5], true],
    [[2, 6, 6, 1], [3, 4], false],
  ] as [number[], [number, number], boolean][]) {
    it(`${from.join('×')} → ${to.join('×')}${alignCorners ? ' alignCorners' : ''}`, () => {
      const [B, H, W, C] = from as [number, number, number, number];
      const [OH, OW] = to;
      const dyValues = seededValues(B * OH * OW * C, 9);
      // Forward rule: output (o) copies input floor(o·in/out), or round(o·(in−1)/(out−1)).
      const source = (o: number, inSize: number, outSize: number) =>
        alignCorners ? Math.round((o * (inSize - 1)) / (outSize - 1)) : Math.min(inSize - 1, Math.floor((o * inSize) / outSize));
      const want = new Float32Array(B * H * W * C);
      for (let b = 0; b < B; b++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) for (let c = 0; c < C; c++)
        want[((b * H + source(i, H, OH)) * W + source(j, W, OW)) * C + c] += dyValues[((b * OH + i) * OW + j) * C + c]!;
      const buffers = tf.engine().backend.numDataIds();
      const got = tf.tidy(() => {
        const dy = tf.tensor4d(dyValues, [B, OH, OW, C]);
        return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeNearestNeighbor(v as tf.Tensor4D, to, alignCorners), dy)))(t(from, 8));
      });
      expect(relativeError(got.dataSync(), want)).toBeLessThanOrEqual(1e-6);
      got.dispose();
      expect(tf.engine().backend.numDataIds()).toBe(buffers);
    });
  }
});

describe('Sum / Mean over leading axes on wasm equal cpu', () => {
  it('axes [0,1,2] (with and without keepDims), [0], negative axes, and a non-leading set', () => {
    const r = onBothBackends(() => {
      const x = t([3, 4, 5, 6], 10);
      return [
        tf.sum(x, [0, 1, 2]),
        tf.mean(x, [0, 1, 2], true),
        tf.sum(x, 0),
        tf.mean(x, [-4, -3]),
        tf.sum(x, [1, 2]), // not leading: wasm's own kernel
        tf.mean(x), // all axes: wasm's own kernel
      ];
    });
    r.wasm.forEach((v, i) => expect(relativeError(v, r.cpu[i]!), `result ${i}`).toBeLessThanOrEqual(1e-6));
    expect(r.leakedBuffers).toBe(0);
  });
});

describe('Identity / Cast share the buffer on wasm', () => {
  it('clone and same-dtype cast keep values, survive disposing the source, and free on the last reference', () => {
    const buffers = tf.engine().backend.numDataIds();
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const copy = tf.clone(x);
    const same = tf.cast(x, 'float32');
    const ints = tf.cast(x, 'int32');
    expect(tf.engine().backend.numDataIds()).toBe(buffers + 2); // x's buffer (shared) + ints
    x.dispose();
    expect([...copy.dataSync()]).toEqual([1, 2, 3, 4]);
    expect([...same.dataSync()]).toEqual([1, 2, 3, 4]);
    expect(ints.dtype).toBe('int32');
    expect([...ints.dataSync()]).toEqual([1, 2, 3, 4]);
    tf.dispose([copy, same, ints]);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
  });
});
