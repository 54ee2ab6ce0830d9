// `@g2rl/models/geometry`: the geometry GCN on its own, with no backbone code.
export {
  euclideanAdjacencyTensor,
  normalizeAdjacencyTensor,
  gcnAdjacencyTensor,
  type AdjacencyTensorOptions,
  type TauMode,
} from './adjacencyTensor';
export { GCNLayer, type GCNLayerArgs } from './GCNLayer';
export { EuclideanAdjacencyLayer, type EuclideanAdjacencyLayerArgs } from './EuclideanAdjacencyLayer';
export { createGeometryEncoder, type GeometryEncoderOptions } from './createGeometryEncoder';
export { constantOf } from './constantOf';
