// `@g2rl/models/geometry`: the geometry GCN on its own, with no backbone code.
export {
  euclideanAdjacencyTensor,
  normalizeAdjacencyTensor,
  gcnAdjacencyTensor,
  type AdjacencyTensorOptions,
} from './adjacency-tensor.js';
export type { AdjacencyOptions, TauMode } from '@g2rl/graph';
export { GCNLayer, type GCNLayerArgs } from './gcn-layer.js';
export { EuclideanAdjacencyLayer, type EuclideanAdjacencyLayerArgs } from './euclidean-adjacency-layer.js';
export { createGeometryEncoder, type GeometryEncoderOptions } from './create-geometry-encoder.js';
export { constantOf } from './constant-of.js';
export { DEFAULT_ADJACENCY, DEFAULT_GEOMETRY_DIM } from '../defaults.js';
