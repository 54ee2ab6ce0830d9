import * as tf from '@tensorflow/tfjs';
import { DEFAULT_ADJACENCY, DEFAULT_GEOMETRY_DIM } from '../defaults.js';
import { seedStream } from '../seeds.js';
import type { TauMode } from '@g2rl/graph';
import { EuclideanAdjacencyLayer } from './euclidean-adjacency-layer.js';
import { GCNLayer } from './gcn-layer.js';

/** Options of {@link createGeometryEncoder}. */
export interface GeometryEncoderOptions {
  /** N: nodes per graph (68 for iBUG-68 landmarks) */
  nodes: number;
  /** features per node of F⁰ (default 2: x, y) */
  featureWidth?: number;
  /**
   * 'dynamic' (default, `DEFAULT_ADJACENCY`): Â¹, Â² are rebuilt from F¹, F² (k-NN in feature space, 'mean-knn' τ);
   * measured more accurate than 'static' (README). 'static': Â¹ = Â² = Â⁰, the graph of the
   * input coordinates, ~4× cheaper to train.
   */
  adjacency?: 'static' | 'dynamic';
  /** output widths of the three GCN layers (default [32, 32, 32]) */
  gcnUnits?: [number, number, number];
  /** width of the per-node 1×1 convolution on F¹‖F²‖F³ (default 16) */
  convUnits?: number;
  /** widths of the first two dense layers (ReLU; default [256, 256]); the third has D units, linear */
  denseUnits?: [number, number];
  /** D: size of G (default `DEFAULT_GEOMETRY_DIM` = 128) */
  D?: number;
  /** neighbours per node (default 8) */
  k?: number;
  /** τ of Â⁰ (default 1: with F⁰ in inter-ocular distances, as `geometryFeatures` gives) */
  tau?: number;
  /** τ mode of Â⁰ (default 'absolute') */
  tauMode?: TauMode;
  /** factor on the mean k-NN distance for the dynamic Â¹, Â² (default 1) */
  dynamicTau?: number;
  /** seed of every initializer (default 0) */
  seed?: number;
  /** model name (default 'g2rl_geometry_encoder') */
  name?: string;
}

const positiveInts = (values: unknown, count: number, field: string) => {
  if (!Array.isArray(values) || values.length !== count || !values.every((v) => Number.isInteger(v) && v > 0)) {
    throw new RangeError(`createGeometryEncoder(${field}): expected ${count} positive integers, got ${JSON.stringify(values)}`);
  }
};

/**
 * The external geometric knowledge module (docs/method.md §3) as a tfjs model:
 *
 * ```
 * F⁰ (B×N×featureWidth) ─ Â⁰ = norm(kNN-Gauss(F⁰))
 * F¹ = ReLU(Â⁰ F⁰ W⁰), F² = ReLU(Â¹ F¹ W¹), F³ = ReLU(Â² F² W²)      (Â¹, Â²: static or dynamic)
 * F¹‖F²‖F³ (B×N×ΣU) → 1×1 conv (per-node linear, B×N×convUnits) → flatten → Dense+ReLU → Dense+ReLU → Dense → G (B×D)
 * ```
 *
 * Works on any graph whose nodes are points (faces, hands, bodies, molecules…). The model
 * contains two custom layers (`G2rlGCN`, `G2rlEuclideanAdjacency`), registered for
 * serialisation when this module is imported; it is a training-time module, never part of
 * an exported inference model.
 */
export function createGeometryEncoder(options: GeometryEncoderOptions): tf.LayersModel {
  const {
    nodes,
    featureWidth = 2,
    adjacency = DEFAULT_ADJACENCY,
    gcnUnits = [32, 32, 32],
    convUnits = 16,
    denseUnits = [256, 256],
    D = DEFAULT_GEOMETRY_DIM,
    k = 8,
    tau = 1,
    tauMode = 'absolute',
    dynamicTau = 1,
    seed = 0,
    name = 'g2rl_geometry_encoder',
  } = options ?? ({} as GeometryEncoderOptions);
  if (!Number.isInteger(nodes) || nodes < 2) {
    throw new RangeError(`createGeometryEncoder(nodes): expected an integer N ≥ 2, got ${String(nodes)}`);
  }
  if (!Number.isInteger(featureWidth) || featureWidth < 1) {
    throw new RangeError(`createGeometryEncoder(featureWidth): expected a positive integer, got ${String(featureWidth)}`);
  }
  if (adjacency !== 'static' && adjacency !== 'dynamic') {
    throw new RangeError(`createGeometryEncoder(adjacency): expected 'static' or 'dynamic', got ${JSON.stringify(adjacency)}`);
  }
  positiveInts(gcnUnits, 3, 'gcnUnits');
  positiveInts(denseUnits, 2, 'denseUnits');
  positiveInts([convUnits], 1, 'convUnits');
  positiveInts([D], 1, 'D');

  const seeds = seedStream(seed);
  const input = tf.input({ shape: [nodes, featureWidth], name: 'geometry' });
  const inputAdjacency = new EuclideanAdjacencyLayer({ name: 'adjacency0', k, tau, tauMode }).apply(input) as tf.SymbolicTensor;

  const layerOutputs: tf.SymbolicTensor[] = [];
  let features = input;
  let graph = inputAdjacency;
  gcnUnits.forEach((units, l) => {
    if (l > 0 && adjacency === 'dynamic') {
      graph = new EuclideanAdjacencyLayer({ name: `adjacency${l}`, k, tau: dynamicTau, tauMode: 'mean-knn' }).apply(
        features,
      ) as tf.SymbolicTensor;
    }
    features = new GCNLayer({ name: `gcn${l + 1}`, units, seed: seeds() }).apply([features, graph]) as tf.SymbolicTensor;
    layerOutputs.push(features);
  });

  const concatenated = tf.layers.concatenate({ name: 'gcn_concat', axis: -1 }).apply(layerOutputs) as tf.SymbolicTensor;
  const perNode = tf.layers
    .conv1d({
      name: 'node_conv',
      filters: convUnits,
      kernelSize: 1,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seeds() }),
    })
    .apply(concatenated) as tf.SymbolicTensor;
  let x = tf.layers.flatten({ name: 'node_flatten' }).apply(perNode) as tf.SymbolicTensor;
  denseUnits.forEach((units, i) => {
    x = tf.layers
      .dense({
        name: `geometry_dense${i + 1}`,
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed: seeds() }),
      })
      .apply(x) as tf.SymbolicTensor;
  });
  const g = tf.layers
    .dense({ name: 'G', units: D, kernelInitializer: tf.initializers.glorotUniform({ seed: seeds() }) })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: g, name });
}
