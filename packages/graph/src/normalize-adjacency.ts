import { assertSquareMatrix, type DenseMatrix } from './dense-matrix.js';

/**
 * GCN normalisation (Kipf & Welling 2017; dense `gcn_norm` of PyTorch Geometric):
 * `Â = D^-1/2 (A + I) D^-1/2`, with `D` the diagonal of the row sums of `A + I`, i.e.
 * `Â_ij = (A_ij + [i = j]) / sqrt(deg_i · deg_j)`, `deg_i = 1 + Σ_j A_ij`.
 *
 * The identity is always added, even if `A` already has a non-zero diagonal (as PyG does
 * with `add_self_loops=True` on a dense matrix). Computed in double precision.
 *
 * @param adjacency `N × N`, finite entries, every row sum of `A + I` > 0 (true for any
 *   non-negative adjacency such as `euclideanAdjacency`'s).
 * @returns `N × N` float32; symmetric when `A` is.
 */
export function normalizeAdjacency(adjacency: DenseMatrix): DenseMatrix {
  assertSquareMatrix(adjacency, 'adjacency', 'normalizeAdjacency');
  const { data, rows: count } = adjacency;
  const inverseSqrtDegree = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let degree = 1;
    for (let j = 0; j < count; j++) degree += data[i * count + j];
    if (!(degree > 0)) {
      throw new RangeError(
        `normalizeAdjacency: row ${i} of adjacency + I sums to ${degree}; degrees must be > 0 (negative weights?)`,
      );
    }
    inverseSqrtDegree[i] = 1 / Math.sqrt(degree);
  }
  const out = new Float32Array(count * count);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < count; j++) {
      const withSelfLoop = data[i * count + j] + (i === j ? 1 : 0);
      out[i * count + j] = inverseSqrtDegree[i] * withSelfLoop * inverseSqrtDegree[j];
    }
  }
  return { data: out, rows: count, cols: count };
}
