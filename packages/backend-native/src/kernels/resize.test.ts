import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectSameAsCpu, input, nativeReady, relativeError, runOn, type InputSpec } from '../test-helpers.js';

// The gradient reference is the cpu kernel run one sample at a time: tfjs 4.22's cpu
// ResizeNearestNeighborGrad indexes dy with the *image's* batch stride, so for batch > 1 its
// result is wrong (or NaN); with batch 1 that stride is never used.
function perSampleCpuGradient(spec: InputSpec, loss: (t: tf.Tensor) => tf.Tensor): Float32Array {
  const [batch, ...rest] = spec.shape as [number, ...number[]];
  const sampleSize = spec.values.length / batch;
  const out = new Float32Array(spec.values.length);
  for (let b = 0; b < batch; b++) {
    const sample = { shape: [1, ...rest], values: spec.values.slice(b * sampleSize, (b + 1) * sampleSize) };
    const { values } = runOn('cpu', [sample], (x) => tf.grad(loss)(x!));
    out.set(values[0]!, b * sampleSize);
  }
  return out;
}

describe.skipIf(!nativeReady)('native ResizeNearestNeighbor (+Grad) matches cpu', () => {
  const cases: [number[], [number, number], boolean, boolean][] = [
    [[2, 8, 8, 16], [16, 16], false, false], // UpSampling2D ×2
    [[1, 5, 7, 3], [10, 14], false, true],
    [[3, 6, 6, 4], [11, 9], true, false],
    [[2, 9, 9, 2], [4, 5], false, false], // downsampling
    [[1, 4, 4, 1], [7, 7], false, true],
  ];
  for (const [shape, size, alignCorners, halfPixelCenters] of cases) {
    it(`${shape.join('×')} → ${size.join('×')} align=${alignCorners} half=${halfPixelCenters}`, () => {
      const spec = input(shape, 3);
      const resize = (x: tf.Tensor) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, size, alignCorners, halfPixelCenters);
      expectSameAsCpu([spec], (x) => resize(x!));
      const loss = (t: tf.Tensor) => tf.sum(tf.mul(resize(t), tf.cos(resize(t))));
      const native = runOn('native', [spec], (x) => tf.grad(loss)(x!));
      expect(native.leaked).toBe(0);
      expect(relativeError(native.values[0]!, perSampleCpuGradient(spec, loss))).toBeLessThanOrEqual(1e-4);
    });
  }

  it('tf.layers.upSampling2d gradient (batch 2)', () => {
    const layer = tf.layers.upSampling2d({ size: [2, 2] });
    const spec = input([2, 4, 4, 8], 5);
    const loss = (t: tf.Tensor) => tf.sum(tf.square(layer.apply(t) as tf.Tensor));
    const native = runOn('native', [spec], (x) => tf.grad(loss)(x!));
    // d/dx Σ up(x)² = 2·x·4 for a ×2 nearest upsampling (each pixel is copied 4 times)
    const expected = spec.values.map((v) => 8 * v);
    expect(relativeError(native.values[0]!, expected)).toBeLessThanOrEqual(1e-6);
  });
});
