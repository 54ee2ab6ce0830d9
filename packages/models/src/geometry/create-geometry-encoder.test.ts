import * as tf from '@tensorflow/tfjs';
import { euclideanAdjacency, normalizeAdjacency, type DenseMatrix } from '@g2rl/graph';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '@g2rl/common';
import { createGeometryEncoder, type GeometryEncoderOptions } from './create-geometry-encoder.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Matrix = number[][];
const matMul = (a: Matrix, b: Matrix): Matrix => a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
const relu = (m: Matrix): Matrix => m.map((row) => row.map((v) => Math.max(0, v)));
const toRows = (m: DenseMatrix): Matrix => Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
const weightRows = (t: tf.Tensor): Matrix => (t.rank === 3 ? (t.arraySync() as number[][][])[0] : (t.arraySync() as Matrix));

/**
 * Plain-array reference of the encoder for one graph, built on @g2rl/graph's adjacency:
 * everything outside the weights is recomputed here from docs/method.md §3.
 */
function referenceEncoder(model: tf.LayersModel, points: Matrix, options: GeometryEncoderOptions): number[] {
  const { k = 8, tau = 1, tauMode = 'absolute', dynamicTau = 1 } = options;
  const weights = (name: string) => model.getLayer(name).getWeights();
  const graphOf = (features: Matrix, t: number, mode: 'absolute' | 'mean-knn') =>
    toRows(normalizeAdjacency(euclideanAdjacency(features, { k, tau: t, tauMode: mode })));
  const staticGraph = graphOf(points, tau, tauMode);
  let features = points;
  const layers: Matrix[] = [];
  for (let l = 0; l < 3; l++) {
    const graph = l > 0 && options.adjacency === 'dynamic' ? graphOf(features, dynamicTau, 'mean-knn') : staticGraph;
    features = relu(matMul(graph, matMul(features, weightRows(weights(`gcn${l + 1}`)[0]))));
    layers.push(features);
  }
  const concatenated = layers[0].map((_, n) => [...layers[0][n], ...layers[1][n], ...layers[2][n]]);
  const [convKernel, convBias] = weights('node_conv');
  const bias = Array.from(convBias.dataSync());
  const perNode = matMul(concatenated, weightRows(convKernel)).map((row) => row.map((v, j) => v + bias[j]));
  let x: Matrix = [perNode.flat()];
  ['geometry_dense1', 'geometry_dense2', 'G'].forEach((name, i) => {
    const [kernel, b] = weights(name);
    const bb = Array.from(b.dataSync());
    x = matMul(x, weightRows(kernel)).map((row) => row.map((v, j) => v + bb[j]));
    if (i < 2) x = relu(x);
  });
  return x[0];
}

const small: GeometryEncoderOptions = {
  nodes: 12,
  gcnUnits: [5, 4, 6],
  convUnits: 3,
  denseUnits: [10, 7],
  D: 4,
  k: 3,
  tau: 0.8,
  seed: 11,
};

function randomGraphs(batch: number, nodes: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: batch * nodes * 2 }, () => random() * 2 - 1);
}

describe('createGeometryEncoder matches a plain-array reference built on @g2rl/graph', () => {
  for (const adjacency of ['static', 'dynamic'] as const) {
    it(`${adjacency} adjacency`, async () => {
      const options = { ...small, adjacency };
      const model = createGeometryEncoder(options);
      const batch = 3;
      const points = randomGraphs(batch, small.nodes, adjacency === 'static' ? 1 : 2);
      const g = model.predict(tf.tensor3d(points, [batch, small.nodes, 2])) as tf.Tensor;
      expect(g.shape).toEqual([batch, small.D]);
      const actual = (await g.array()) as number[][];
      for (let b = 0; b < batch; b++) {
        const graphPoints = Array.from({ length: small.nodes }, (_, n) => [points[(b * small.nodes + n) * 2], points[(b * small.nodes + n) * 2 + 1]]);
        const expected = referenceEncoder(model, graphPoints, options);
        expected.forEach((v, d) => expect(actual[b][d]).toBeCloseTo(v, 4));
        expect(expected.some((v) => Math.abs(v) > 1e-3)).toBe(true);
      }
    });
  }

  it('static and dynamic graphs differ (the option is wired)', async () => {
    const points = tf.tensor3d(randomGraphs(1, small.nodes, 3), [1, small.nodes, 2]);
    const gStatic = await (createGeometryEncoder({ ...small, adjacency: 'static' }).predict(points) as tf.Tensor).data();
    const gDynamic = await (createGeometryEncoder({ ...small, adjacency: 'dynamic' }).predict(points) as tf.Tensor).data();
    expect(Array.from(gStatic)).not.toEqual(Array.from(gDynamic));
  });
});

describe('createGeometryEncoder', () => {
  it('has the defaults of docs/method.md (68 nodes → D = 128) and trains: gradients reach every weight', () => {
    const model = createGeometryEncoder({ nodes: 68, adjacency: 'dynamic' });
    expect(model.outputs[0].shape).toEqual([null, 128]);
    const x = tf.tensor3d(randomGraphs(2, 68, 4), [2, 68, 2]);
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar,
      model.trainableWeights.map((w) => (w as unknown as { read(): tf.Variable }).read()),
    );
    for (const [name, grad] of Object.entries(grads)) {
      const values = grad.dataSync();
      expect(values.every(Number.isFinite), name).toBe(true);
      expect(values.some((v) => v !== 0), name).toBe(true);
    }
    tf.dispose(Object.values(grads));
  });

  it('round-trips through JSON (custom layers registered) and leaks no tensors', async () => {
    const model = createGeometryEncoder({ ...small, adjacency: 'dynamic' });
    const json = model.toJSON(null, false) as object;
    const rebuilt = await tf.models.modelFromJSON({ modelTopology: json } as never);
    rebuilt.setWeights(model.getWeights());
    const x = tf.tensor3d(randomGraphs(2, small.nodes, 5), [2, small.nodes, 2]);
    const before = tf.memory().numTensors;
    const a = model.predict(x) as tf.Tensor;
    const b = rebuilt.predict(x) as tf.Tensor;
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the option that is wrong', () => {
    expect(() => createGeometryEncoder({ nodes: 1 })).toThrow(/createGeometryEncoder\(nodes\)/);
    expect(() => createGeometryEncoder({ nodes: 5, adjacency: 'fixed' as never })).toThrow(/createGeometryEncoder\(adjacency\)/);
    expect(() => createGeometryEncoder({ nodes: 5, gcnUnits: [4, 4] as never })).toThrow(/gcnUnits.*3 positive integers/);
  });
});
