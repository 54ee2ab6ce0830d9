import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { nativeReady } from './test-helpers.js';

/**
 * A stand-in for the `small` preset at toy size (input B×32×32×3, widths 8/12/16): the same
 * layer kinds — conv2d (3×3, strided, 1×1), batchNormalization, reLU, add, upSampling2d, a
 * linear 1×1 head — trained with Adam on an MSE loss. Seeded initialisers, so every backend
 * starts from the same weights.
 */
function buildStandIn(keypoints: number): tf.LayersModel {
  let seed = 7;
  const conv = (x: tf.SymbolicTensor, filters: number, k: number, stride: number, useBias = false) =>
    tf.layers
      .conv2d({ filters, kernelSize: k, strides: stride, padding: 'same', useBias, kernelInitializer: tf.initializers.heNormal({ seed: seed++ }) })
      .apply(x) as tf.SymbolicTensor;
  const bn = (x: tf.SymbolicTensor) => tf.layers.batchNormalization({ epsilon: 1e-3 }).apply(x) as tf.SymbolicTensor;
  const relu = (x: tf.SymbolicTensor) => tf.layers.reLU().apply(x) as tf.SymbolicTensor;
  const add = (a: tf.SymbolicTensor, b: tf.SymbolicTensor) => tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
  const up = (x: tf.SymbolicTensor) => tf.layers.upSampling2d({ size: [2, 2] }).apply(x) as tf.SymbolicTensor;
  const resBlock = (x: tf.SymbolicTensor, c: number, s: number) =>
    relu(add(bn(conv(relu(bn(conv(x, c, 3, s))), c, 3, 1)), bn(conv(x, c, 1, s))));
  const input = tf.input({ shape: [32, 32, 3] });
  const stem = relu(bn(conv(input, 8, 3, 2))); // 16×16×8
  const e1 = resBlock(stem, 12, 2); // 8×8×12
  const e2 = resBlock(e1, 16, 2); // 4×4×16
  const d1 = add(relu(bn(conv(up(e2), 12, 3, 1))), e1); // 8×8×12
  const m = add(relu(bn(conv(up(d1), 8, 3, 1))), conv(stem, 8, 1, 1, true)); // 16×16×8
  const heatmaps = conv(m, keypoints, 1, 1, true);
  return tf.model({ inputs: input, outputs: heatmaps });
}

// Batch 1: tfjs 4.22's cpu ResizeNearestNeighborGrad is wrong for batch > 1 (see
// kernels/resize.test.ts), which would make the cpu reference curve, not native, the odd one.
const BATCH = 1;

/** Losses of `steps` Adam steps on fixed seeded data, on `backend`; checks for tensor leaks. */
function trainingCurve(backend: string, steps: number): { losses: number[]; leaked: number } {
  tf.setBackend(backend);
  const model = buildStandIn(4);
  const optimizer = tf.train.adam(1e-3);
  const x = tf.randomUniform([BATCH, 32, 32, 3], 0, 1, 'float32', 11);
  const y = tf.randomUniform([BATCH, 16, 16, 4], 0, 1, 'float32', 12);
  const losses: number[] = [];
  let before = 0;
  for (let step = 0; step < steps; step++) {
    if (step === 1) before = tf.memory().numTensors; // after Adam made its moment variables
    const loss = optimizer.minimize(() => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor), true)!;
    losses.push(loss.dataSync()[0]!);
    loss.dispose();
  }
  const leaked = tf.memory().numTensors - before;
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return { losses, leaked };
}

describe.skipIf(!nativeReady)('training the small stand-in on native', () => {
  it('follows the cpu loss curve over 20 Adam steps, without leaking tensors', () => {
    const cpu = trainingCurve('cpu', 20);
    const native = trainingCurve('native', 20);
    console.info(`losses cpu ${cpu.losses.map((l) => l.toFixed(5)).join(' ')}\nlosses native ${native.losses.map((l) => l.toFixed(5)).join(' ')}`);
    expect(native.leaked).toBe(0);
    // Both learn (the loss falls), and step by step agree to float32 rounding noise.
    expect(native.losses[19]!).toBeLessThan(native.losses[0]! * 0.9);
    native.losses.forEach((loss, step) => {
      expect(Math.abs(loss - cpu.losses[step]!) / cpu.losses[step]!).toBeLessThanOrEqual(1e-3);
    });
  });
});
