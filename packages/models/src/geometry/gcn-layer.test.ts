import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GCNLayer } from './gcn-layer.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('GCNLayer', () => {
  it('computes ReLU(Â F W) (hand-worked 2-node graph)', async () => {
    const layer = new GCNLayer({ units: 2 });
    const features = tf.tensor3d([1, 2, 3, 4], [1, 2, 2]); // F = [[1, 2], [3, 4]]
    const adjacency = tf.tensor3d([0.5, 0.5, 0.25, 0.75], [1, 2, 2]);
    layer.apply([features, adjacency]); // builds
    layer.setWeights([tf.tensor2d([1, -1, 0, 1], [2, 2])]); // W = [[1, −1], [0, 1]]
    // F W = [[1, 1], [3, 1]];  Â (F W) = [[2, 1], [2.5, 1]]
    const out = layer.apply([features, adjacency]) as tf.Tensor;
    expect(out.shape).toEqual([1, 2, 2]);
    expect(Array.from(await out.data())).toEqual([2, 1, 2.5, 1]);

    // negative pre-activations are cut by the ReLU
    layer.setWeights([tf.tensor2d([-1, 0, 0, -1], [2, 2])]);
    expect(Array.from(await (layer.apply([features, adjacency]) as tf.Tensor).data())).toEqual([0, 0, 0, 0]);
  });

  it('adds a bias when asked and has a linear variant', async () => {
    const layer = new GCNLayer({ units: 1, useBias: true, activation: 'linear' });
    const features = tf.tensor3d([1, -2], [1, 2, 1]);
    const identity = tf.tensor3d([1, 0, 0, 1], [1, 2, 2]);
    layer.apply([features, identity]);
    layer.setWeights([tf.tensor2d([[3]]), tf.tensor1d([0.5])]);
    expect(Array.from(await (layer.apply([features, identity]) as tf.Tensor).data())).toEqual([3.5, -5.5]);
  });

  it('is seeded: the same seed gives the same kernel, another seed another', () => {
    const kernel = (seed: number) => {
      const layer = new GCNLayer({ units: 3, seed });
      layer.apply([tf.zeros([1, 4, 2]), tf.zeros([1, 4, 4])]);
      return Array.from(layer.getWeights()[0].dataSync());
    };
    expect(kernel(7)).toEqual(kernel(7));
    expect(kernel(7)).not.toEqual(kernel(8));
  });

  it('round-trips through its config (serialisation registered)', () => {
    const layer = new GCNLayer({ units: 5, useBias: true, name: 'g', seed: 3 });
    const config = layer.getConfig();
    const copy = tf.serialization.SerializationMap.getMap().classNameMap[GCNLayer.className];
    expect(copy).toBeDefined();
    const rebuilt = new GCNLayer(config as never);
    expect(rebuilt.getConfig()).toEqual(config);
  });

  it('works inside a functional model and leaks no tensors', () => {
    const f = tf.input({ shape: [3, 2] });
    const a = tf.input({ shape: [3, 3] });
    const out = new GCNLayer({ units: 4 }).apply([f, a]) as tf.SymbolicTensor;
    expect(out.shape).toEqual([null, 3, 4]);
    const model = tf.model({ inputs: [f, a], outputs: out });
    const x = [tf.ones([2, 3, 2]), tf.ones([2, 3, 3])];
    model.predict(x);
    const before = tf.memory().numTensors;
    (model.predict(x) as tf.Tensor).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names what is wrong on bad input', () => {
    expect(() => new GCNLayer({ units: 0 })).toThrow(/GCNLayer\(units\): expected a positive integer, got 0/);
    const layer = new GCNLayer({ units: 2 });
    expect(() => layer.apply([tf.zeros([1, 3, 2]), tf.zeros([1, 4, 4])])).toThrow(/Â is 4×4 but F has 3 nodes/);
  });
});

describe('EuclideanAdjacencyLayer', () => {
  it('gives gcnAdjacencyTensor of its input and survives a JSON config round trip, k = Infinity included', async () => {
    const { EuclideanAdjacencyLayer } = await import('./euclidean-adjacency-layer.js');
    const { gcnAdjacencyTensor } = await import('./adjacency-tensor.js');
    const features = tf.tensor3d([0, 0, 1, 0, 0, 2, 3, 3], [1, 4, 2]);
    for (const k of [2, Infinity]) {
      const layer = new EuclideanAdjacencyLayer({ k, tau: 1.5, tauMode: 'mean-knn' });
      const copy = new EuclideanAdjacencyLayer(JSON.parse(JSON.stringify(layer.getConfig())));
      const expected = await gcnAdjacencyTensor(features, { k, tau: 1.5, tauMode: 'mean-knn' }).data();
      expect(Array.from(await (copy.apply(features) as tf.Tensor).data())).toEqual(Array.from(expected));
      expect(Array.from(await (layer.apply(features) as tf.Tensor).data())).toEqual(Array.from(expected));
    }
  });
});
