export type { DenseMatrix, BatchedDenseMatrix } from './dense-matrix.js';
export { matrixEntry, matrixToRows } from './dense-matrix.js';
export type { PointsInput } from './points.js';
export { pairwiseDistances } from './pairwise-distances.js';
export { euclideanAdjacency } from './euclidean-adjacency.js';
export type { EuclideanAdjacencyOptions, TauMode } from './euclidean-adjacency.js';
export { normalizeAdjacency } from './normalize-adjacency.js';
export { euclideanAdjacencyBatch, normalizeAdjacencyBatch } from './batched-adjacency.js';
export type { EuclideanAdjacencyBatchOptions } from './batched-adjacency.js';
