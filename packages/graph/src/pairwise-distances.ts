import type { DenseMatrix } from './dense-matrix.js';
import { readFeatureRows, type FeatureRows, type PointsInput } from './points.js';

/**
 * Euclidean distances between every pair of nodes: `d_ij = ‖f_i − f_j‖₂`.
 *
 * @param points node features, `N × width`: `number[][]` (e.g. `[x, y][]`) or flat
 *   (`Float32Array` / `number[]` of length `N · width`, `x0, y0, x1, y1, …`).
 * @param width features per node for flat input (default 2, i.e. 2-D landmarks); with
 *   nested rows it is read from the rows and, if given, must match.
 * @returns `N × N` symmetric matrix with a zero diagonal. Computed in double precision,
 *   stored as float32; `d_ij` and `d_ji` are bit-identical.
 */
export function pairwiseDistances(points: PointsInput, width?: number): DenseMatrix {
  const features = readFeatureRows(points, width, 'pairwiseDistances');
  const distances = distancesFloat64(features);
  return { data: Float32Array.from(distances), rows: features.count, cols: features.count };
}

/** `N × N` distances in double precision (row-major); shared by the adjacency builders. */
export function distancesFloat64({ data, count, width }: FeatureRows): Float64Array {
  const out = new Float64Array(count * count);
  for (let i = 0; i < count; i++) {
    for (let j = i + 1; j < count; j++) {
      let sum = 0;
      for (let f = 0; f < width; f++) {
        const delta = data[i * width + f] - data[j * width + f];
        sum += delta * delta;
      }
      const distance = Math.sqrt(sum);
      out[i * count + j] = distance;
      out[j * count + i] = distance;
    }
  }
  return out;
}
