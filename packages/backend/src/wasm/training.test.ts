// A stand-in of the `small` preset's op set (conv2d, batch norm, relu, add, nearest
// upsampling, 1×1 conv head, dense projection, a GCN-style batched matMul, Adam) trains on
// wasm, and a tiny net's gradients equal cpu's.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { onBothBackends, relativeError, seededValues } from './test-support.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
});

const L = tf.layers;

/** Input B×32×32×3 → [heatmaps B×8×8×4, projection B×16]: the small preset's ops, narrow. */
function standIn(seed: number): tf.LayersModel {
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed + s });
  let n = 0;
  const cbr = (x: tf.SymbolicTensor, c: number, k: number, s: number, relu = true) => {
    let y = L.conv2d({ filters: c, kernelSize: k, strides: s, padding: 'same', useBias: false, kernelInitializer: init(n++) }).apply(x) as tf.SymbolicTensor;
    y = L.batchNormalization().apply(y) as tf.SymbolicTensor;
    return relu ? (L.reLU().apply(y) as tf.SymbolicTensor) : y;
  };
  const res = (x: tf.SymbolicTensor, c: number, s: number) => {
    const y = cbr(cbr(x, c, 3, s), c, 3, 1, false);
    const shortcut = cbr(x, c, 1, s, false);
    return L.reLU().apply(L.add().apply([y, shortcut])) as tf.SymbolicTensor;
  };
  const input = tf.input({ shape: [32, 32, 3] });
  const stem = cbr(input, 8, 3, 2); // 16×16
  const e1 = res(stem, 12, 2); // 8×8
  const e2 = res(e1, 16, 2); // 4×4
  let d1 = cbr(L.upSampling2d({ size: [2, 2] }).apply(e2) as tf.SymbolicTensor, 12, 3, 1);
  d1 = L.add().apply([d1, e1]) as tf.SymbolicTensor;
  const heat = L.conv2d({ filters: 4, kernelSize: 1, kernelInitializer: init(90) }).apply(d1) as tf.SymbolicTensor;
  const flat = L.flatten().apply(L.conv2d({ filters: 2, kernelSize: 1, kernelInitializer: init(91) }).apply(d1)) as tf.SymbolicTensor;
  const proj = L.dense({ units: 16, kernelInitializer: init(92) }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: [heat, proj] });
}

function batch(B: number) {
  return {
    x: tf.tensor4d(seededValues(B * 32 * 32 * 3, 1).map((v) => v + 0.5), [B, 32, 32, 3]),
    target: tf.tensor4d(seededValues(B * 8 * 8 * 4, 2), [B, 8, 8, 4]),
    f0: tf.tensor3d(seededValues(B * 10 * 2, 3), [B, 10, 2]),
    adj: tf.tensor3d(seededValues(B * 10 * 10, 4).map((v) => v + 0.5), [B, 10, 10]),
  };
}

/** Heatmap MSE + 0.1 × MSE(projection, GCN-style geometry vector). */
function loss(model: tf.LayersModel, gcn: tf.Variable, b: ReturnType<typeof batch>, training: boolean): tf.Scalar {
  const [heat, proj] = model.apply(b.x, { training }) as tf.Tensor[];
  const B = b.x.shape[0];
  const weights = tf.tile(tf.expandDims(gcn, 0), [B, 1, 1]); // B×2×F
  const g = tf.relu(tf.matMul(b.adj, tf.matMul(b.f0, weights))).reshape([B, 10 * 8]).slice([0, 0], [B, 16]);
  return tf.add(tf.losses.meanSquaredError(b.target, heat!), tf.mul(0.1, tf.losses.meanSquaredError(g, proj!))) as tf.Scalar;
}

describe('training on wasm', () => {
  it('Adam steps on the stand-in model lower the loss, without leaking tensors', () => {
    const model = standIn(1);
    const gcn = tf.variable(tf.tensor2d(seededValues(16, 5), [2, 8]));
    const b = batch(4);
    const optimizer = tf.train.adam(1e-2);
    const losses: number[] = [];
    const step = () => {
      const l = optimizer.minimize(() => loss(model, gcn, b, true), true)!;
      losses.push(l.dataSync()[0]!);
      l.dispose();
    };
    step(); // creates the optimizer's slots
    const before = tf.memory().numTensors;
    for (let i = 0; i < 14; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]!);
    tf.dispose([model.weights.map((w) => w.read()), gcn, Object.values(b)].flat());
    optimizer.dispose();
  });

  it("a tiny net's gradients equal cpu's", () => {
    // Batch 1: tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad is wrong for batch > 1.
    const b = batch(1);
    const xv = b.x.dataSync().slice();
    const tv = b.target.dataSync().slice();
    tf.dispose(Object.values(b));
    const r = onBothBackends(() => {
      const model = standIn(7); // seeded initialisers: same weights on both backends
      const x = tf.tensor4d(xv, [1, 32, 32, 3]);
      const target = tf.tensor4d(tv, [1, 8, 8, 4]);
      const { grads, value } = tf.variableGrads(() => {
        const [heat, proj] = model.apply(x, { training: true }) as tf.Tensor[];
        return tf.add(tf.losses.meanSquaredError(target, heat!), tf.mean(tf.square(proj!))) as tf.Scalar;
      }, model.trainableWeights.map((w) => w.read() as tf.Variable));
      const out = [value, ...model.trainableWeights.map((w) => grads[(w.read() as tf.Variable).name]!)];
      model.weights.forEach((w) => w.read().dispose());
      return out;
    });
    expect(r.wasm.length).toBe(r.cpu.length);
    r.wasm.forEach((v, i) => expect(relativeError(v, r.cpu[i]!), `tensor ${i}`).toBeLessThanOrEqual(1e-4));
  });
});
