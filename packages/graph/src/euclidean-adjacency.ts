import type { DenseMatrix } from './dense-matrix.js';
import { distancesFloat64 } from './pairwise-distances.js';
import { readFeatureRows, type FeatureRows, type PointsInput } from './points.js';
import { readAdjacencyOptions, type AdjacencyOptions } from './adjacency-options.js';

export interface EuclideanAdjacencyOptions extends AdjacencyOptions {
  /** Features per node for flat input (default 2); nested rows carry their own width. */
  width?: number;
}

/**
 * Gaussian k-nearest-neighbour adjacency (docs/method.md §3):
 * `a_ij = exp(−d_ij² / τ²)` if `j` is among the `k` nearest neighbours of `i`, else 0;
 * then `A_ij = max(a_ij, a_ji)` (an edge exists if either end chose the other), `A_ii = 0`.
 * Self-loops are added later, by {@link normalizeAdjacency}.
 *
 * Neighbours of `i` are the other nodes sorted by distance (exact, in double precision),
 * ties broken by the lower node index, so the result is deterministic.
 * A node at distance 0 from `i` (a duplicate point) gets weight 1.
 *
 * @param points node features `N × width` (`number[][]` or flat, see `pairwiseDistances`).
 * @returns `N × N` symmetric, non-negative, zero diagonal, float32.
 */
export function euclideanAdjacency(points: PointsInput, options: EuclideanAdjacencyOptions = {}): DenseMatrix {
  const features = readFeatureRows(points, options.width, 'euclideanAdjacency');
  return adjacencyFromFeatures(features, options, 'euclideanAdjacency');
}

/** The adjacency of already-validated features (`N × width`); used by the batched form too. */
export function adjacencyFromFeatures(
  features: FeatureRows,
  options: EuclideanAdjacencyOptions,
  fn: string,
): DenseMatrix {
  const { k, tau, tauMode } = readAdjacencyOptions(options, fn);
  const count = features.count;
  const distances = distancesFloat64(features);
  const neighbours = nearestNeighbours(distances, count, Math.min(k, Math.max(count - 1, 0)));

  let effectiveTau = tau;
  if (tauMode === 'mean-knn') {
    let sum = 0;
    let edges = 0;
    for (let i = 0; i < count; i++) {
      for (const j of neighbours[i]) {
        sum += distances[i * count + j];
        edges++;
      }
    }
    effectiveTau = edges === 0 ? 0 : (tau * sum) / edges;
  }

  const out = new Float32Array(count * count);
  for (let i = 0; i < count; i++) {
    for (const j of neighbours[i]) {
      const distance = distances[i * count + j];
      // τ = 0 only when every k-NN distance is 0 ('mean-knn' on coincident points); the
      // weight's limit as d → 0 is 1, so coincident neighbours are fully connected and
      // 0/0 is never computed.
      const weight = distance === 0 ? 1 : Math.exp(-(distance * distance) / (effectiveTau * effectiveTau));
      // The weight depends only on d_ij = d_ji, so max(a_ij, a_ji) is "set both".
      out[i * count + j] = weight;
      out[j * count + i] = weight;
    }
  }
  return { data: out, rows: count, cols: count };
}

/** For each node, the indices of its `k` nearest other nodes (ties → lower index). */
function nearestNeighbours(distances: Float64Array, count: number, k: number): number[][] {
  const result: number[][] = [];
  const others: number[] = [];
  for (let i = 0; i < count; i++) {
    others.length = 0;
    for (let j = 0; j < count; j++) if (j !== i) others.push(j);
    if (k < others.length) {
      const row = i * count;
      others.sort((a, b) => distances[row + a] - distances[row + b] || a - b);
    }
    result.push(others.slice(0, k));
  }
  return result;
}
