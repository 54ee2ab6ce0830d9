import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
// @g2rl/models' geometry encoder from source (GCN layers, dynamic k-NN adjacency, concat,
// per-node conv, dense layers): the kernels that used to fall back to slow JS on `native`
// (broadcast Sub/Mul, Transpose, SplitV, comparisons).
import { createGeometryEncoder } from '@g2rl/models/geometry';
import { countAddonCalls, expectSameAsCpu, input, nativeReady } from './test-helpers.js';
import { loadAddon } from './addon.js';

describe.skipIf(!nativeReady)('the geometry encoder on native', () => {
  it('gives the cpu outputs and gradients (dynamic adjacency, B = 3, N = 14)', () => {
    const encoder = createGeometryEncoder({ nodes: 14, k: 4, gcnUnits: [8, 8, 8], convUnits: 4, denseUnits: [16, 16], D: 8, seed: 3 });
    const weights = encoder.trainableWeights.map((w) => w.read() as tf.Variable);
    const probe = (f0: tf.Tensor) => {
      const g = encoder.apply(f0, { training: true }) as tf.Tensor;
      return tf.sum(tf.mul(g, tf.sin(g)));
    };
    const specs = [input([3, 14, 2], 11)];
    expectSameAsCpu(specs, (f0) => encoder.apply(f0!) as tf.Tensor);
    expectSameAsCpu(specs, (f0) => {
      const { value, grads } = tf.variableGrads(() => probe(f0!) as tf.Scalar, weights);
      return [value, ...weights.map((w) => grads[w.name]!)];
    });
    const counts = countAddonCalls(loadAddon().addon!, () => {
      tf.setBackend('native');
      tf.tidy(() => tf.variableGrads(() => probe(tf.tensor(specs[0]!.values, [3, 14, 2])) as tf.Scalar, weights));
    });
    // The k-NN choice and the pairwise distances are computed in JS (adjacency-tensor.ts), so
    // TopK, int32 Sum and Tile no longer run here; layout.test.ts covers them on their own.
    for (const name of ['binaryStrided', 'copyStrided', 'reduce', 'compare', 'concat', 'matMul']) expect(counts[name] ?? 0).toBeGreaterThan(0);
    encoder.dispose();
  });
});
