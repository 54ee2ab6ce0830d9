import * as tf from '@tensorflow/tfjs';
import { euclideanAdjacencyBatch, normalizeAdjacencyBatch } from '@g2rl/graph';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '@g2rl/common';
import { euclideanAdjacencyTensor, gcnAdjacencyTensor, normalizeAdjacencyTensor } from './adjacency-tensor.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function randomPoints(batch: number, nodes: number, width: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: batch * nodes * width }, () => random() * 2 - 1);
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe('euclideanAdjacencyTensor equals @g2rl/graph to 1e-5', () => {
  const cases = [
    { name: 'landmark-like 2-D, absolute τ', batch: 3, nodes: 20, width: 2, k: 5, tau: 0.7, tauMode: 'absolute' as const },
    { name: '2-D, mean-knn τ', batch: 2, nodes: 68, width: 2, k: 8, tau: 1, tauMode: 'mean-knn' as const },
    { name: 'hidden features (width 7), mean-knn', batch: 2, nodes: 15, width: 7, k: 4, tau: 1.5, tauMode: 'mean-knn' as const },
    { name: 'k ≥ N − 1 keeps every other node', batch: 1, nodes: 6, width: 3, k: 10, tau: 2, tauMode: 'absolute' as const },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const points = randomPoints(c.batch, c.nodes, c.width, c.nodes * 31 + c.width);
      const options = { k: c.k, tau: c.tau, tauMode: c.tauMode };
      const expected = euclideanAdjacencyBatch(points, { ...options, width: c.width, batch: c.batch });
      const features = tf.tensor3d(points, [c.batch, c.nodes, c.width]);
      const adjacency = euclideanAdjacencyTensor(features, options);
      expect(adjacency.shape).toEqual([c.batch, c.nodes, c.nodes]);
      expect(maxAbsDifference(await adjacency.data(), expected.data)).toBeLessThan(1e-5);

      const normalizedExpected = normalizeAdjacencyBatch(expected);
      const normalized = gcnAdjacencyTensor(features, options);
      expect(maxAbsDifference(await normalized.data(), normalizedExpected.data)).toBeLessThan(1e-5);
      tf.dispose([features, adjacency, normalized]);
    });
  }

  it('breaks exact distance ties by the lower index, as @g2rl/graph does (a square grid)', async () => {
    // a 4×4 unit grid: every inner node has 4 neighbours at distance 1 and 4 at √2, so k = 3
    // and k = 6 must cut through a tie; any other rule gives a different adjacency
    const grid = Float32Array.from({ length: 32 }, (_, i) => (i % 2 === 0 ? Math.floor(i / 2) % 4 : Math.floor(i / 8)));
    for (const k of [3, 6]) {
      const expected = euclideanAdjacencyBatch(grid, { k, tau: 1.3, batch: 1, width: 2 });
      const actual = euclideanAdjacencyTensor(tf.tensor3d(grid, [1, 16, 2]), { k, tau: 1.3 });
      expect(maxAbsDifference(await actual.data(), expected.data)).toBeLessThan(1e-6);
    }
  });

  it('gives coincident points weight 1, as @g2rl/graph does (mean-knn τ = 0)', async () => {
    const points = new Float32Array(2 * 4); // four copies of the origin
    const expected = euclideanAdjacencyBatch(points, { k: 2, tauMode: 'mean-knn', batch: 1, width: 2 });
    const actual = euclideanAdjacencyTensor(tf.tensor3d(points, [1, 4, 2]), { k: 2, tauMode: 'mean-knn' });
    expect(Array.from(await actual.data())).toEqual(Array.from(expected.data));
  });
});

describe('euclideanAdjacencyTensor gradients', () => {
  it('flow into the features as through explicit tfjs differences (the dynamic graph)', async () => {
    const points = tf.tensor3d(randomPoints(2, 9, 3, 5), [2, 9, 3]);
    const weights = tf.tensor3d(randomPoints(2, 9, 9, 6), [2, 9, 9]);
    const options = { k: 4, tau: 1.2, tauMode: 'absolute' as const };
    const loss = (adjacency: tf.Tensor) => tf.sum(tf.mul(adjacency, weights)) as tf.Scalar;
    const ours = tf.grad((x: tf.Tensor) => loss(euclideanAdjacencyTensor(x, options)))(points);
    // the same weights exp(−d²/τ²) on the same chosen edges, d² from broadcast tfjs ops
    const mask = tf.cast(tf.greater(euclideanAdjacencyTensor(points, options), 0), 'float32');
    const tauSquared = options.tau ** 2;
    const reference = tf.grad((x: tf.Tensor) => {
      const d2 = tf.sum(tf.square(tf.sub(tf.expandDims(x, 2), tf.expandDims(x, 1))), -1);
      return loss(tf.mul(tf.exp(tf.neg(tf.div(d2, tauSquared))), mask));
    })(points);
    expect(maxAbsDifference(await ours.data(), await reference.data())).toBeLessThan(1e-5);
  });
});

describe('normalizeAdjacencyTensor', () => {
  it('is D^-1/2 (A + I) D^-1/2 (hand-worked 2-node graph)', async () => {
    // A = [[0, 3], [3, 0]] → A + I = [[1, 3], [3, 1]], degrees 4, 4 → Â = (A + I) / 4
    const normalized = normalizeAdjacencyTensor(tf.tensor3d([0, 3, 3, 0], [1, 2, 2]));
    const values = Array.from(await normalized.data());
    [0.25, 0.75, 0.75, 0.25].forEach((v, i) => expect(values[i]).toBeCloseTo(v, 6));
  });

  it('rejects a non-square stack, naming the argument', () => {
    expect(() => normalizeAdjacencyTensor(tf.zeros([1, 2, 3]))).toThrow(/normalizeAdjacencyTensor\(adjacency\).*B×N×N.*\[1, 2, 3\]/);
  });
});

describe('gradients and memory', () => {
  it('has finite gradients with respect to the features (coincident points included)', async () => {
    const points = randomPoints(1, 8, 3, 5);
    points.set([0, 0, 0, 0, 0, 0], 0); // nodes 0 and 1 coincide
    const features = tf.tensor3d(points, [1, 8, 3]);
    for (const tauMode of ['absolute', 'mean-knn'] as const) {
      const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.square(gcnAdjacencyTensor(x, { k: 3, tauMode }))))(features);
      const values = await grad.data();
      expect(values.every(Number.isFinite)).toBe(true);
      expect(values.some((v) => v !== 0)).toBe(true);
    }
  });

  it('leaks no tensors', () => {
    const features = tf.tensor3d(randomPoints(2, 10, 2, 9), [2, 10, 2]);
    const before = tf.memory().numTensors;
    gcnAdjacencyTensor(features, { k: 3, tauMode: 'mean-knn' }).dispose();
    tf.grad((x: tf.Tensor) => tf.sum(gcnAdjacencyTensor(x, { k: 3 })))(features).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the argument on bad input', () => {
    expect(() => euclideanAdjacencyTensor(tf.zeros([4, 2]))).toThrow(/euclideanAdjacencyTensor\(features\).*B×N×F/);
    expect(() => euclideanAdjacencyTensor(tf.zeros([1, 4, 2]), { k: 0 })).toThrow(/options\.k/);
    expect(() => euclideanAdjacencyTensor(tf.zeros([1, 4, 2]), { tau: -1 })).toThrow(/options\.tau/);
  });
});
