import type { BatchedDenseMatrix, DenseMatrix } from './dense-matrix.js';
import { adjacencyFromFeatures, type EuclideanAdjacencyOptions } from './euclidean-adjacency.js';
import { normalizeAdjacency } from './normalize-adjacency.js';
import { readFeatureRows, type PointsInput } from './points.js';

export interface EuclideanAdjacencyBatchOptions extends EuclideanAdjacencyOptions {
  /** Number of graphs B; required when `points` is one flat `B × N × width` array. */
  batch?: number;
  /** Also apply {@link normalizeAdjacency} to each graph (default false). */
  normalize?: boolean;
}

/**
 * {@link euclideanAdjacency} for B graphs of N nodes each, stacked as `B × N × N` (the
 * layout of a tfjs tensor `[B, N, N]`), e.g. the GCN's per-sample graphs from a batch of
 * landmarks or of hidden features. Each graph is built independently (with 'mean-knn',
 * each graph gets its own τ).
 *
 * @param points either one entry per graph (each `N × width`, nested or flat, as
 *   `euclideanAdjacency` takes), or one flat array of `B · N · width` numbers (e.g.
 *   `await tensor.data()` of a `[B, N, width]` tensor) with `options.batch = B`.
 */
export function euclideanAdjacencyBatch(
  points: ReadonlyArray<PointsInput> | ArrayLike<number>,
  options: EuclideanAdjacencyBatchOptions = {},
): BatchedDenseMatrix {
  const fn = 'euclideanAdjacencyBatch';
  const graphs = splitGraphs(points, options, fn);
  const nodes = graphs.length === 0 ? 0 : graphs[0].count;
  const out = new Float32Array(graphs.length * nodes * nodes);
  graphs.forEach((features, b) => {
    if (features.count !== nodes) {
      throw new RangeError(`${fn}: points[${b}] has ${features.count} nodes but points[0] has ${nodes}; every graph needs the same N`);
    }
    let matrix: DenseMatrix = adjacencyFromFeatures(features, options, fn);
    if (options.normalize) matrix = normalizeAdjacency(matrix);
    out.set(matrix.data, b * nodes * nodes);
  });
  return { data: out, batch: graphs.length, rows: nodes, cols: nodes };
}

/** {@link normalizeAdjacency} applied to each of the B graphs of a `B × N × N` stack. */
export function normalizeAdjacencyBatch(adjacency: BatchedDenseMatrix): BatchedDenseMatrix {
  const { data, batch, rows, cols } = adjacency;
  if (!Number.isInteger(batch) || batch < 0 || data.length !== batch * rows * cols) {
    throw new RangeError(
      `normalizeAdjacencyBatch: adjacency.data has length ${data.length}, expected batch · rows · cols = ${batch} · ${rows} · ${cols}`,
    );
  }
  const out = new Float32Array(data.length);
  for (let b = 0; b < batch; b++) {
    const slice = data.subarray(b * rows * cols, (b + 1) * rows * cols);
    out.set(normalizeAdjacency({ data: slice, rows, cols }).data, b * rows * cols);
  }
  return { data: out, batch, rows, cols };
}

function splitGraphs(
  points: ReadonlyArray<PointsInput> | ArrayLike<number>,
  options: EuclideanAdjacencyBatchOptions,
  fn: string,
) {
  if (points === null || typeof points !== 'object' || typeof points.length !== 'number') {
    throw new TypeError(`${fn}: points must be an array of graphs or a flat array of B · N · width numbers`);
  }
  const isFlat = points.length === 0 || typeof (points as ArrayLike<unknown>)[0] === 'number';
  if (!isFlat) {
    return Array.from(points as ReadonlyArray<PointsInput>, (graph, b) =>
      readFeatureRows(graph, options.width, `${fn} (graph ${b})`),
    );
  }
  const { batch } = options;
  if (batch === undefined || !Number.isInteger(batch) || batch < 1) {
    throw new RangeError(`${fn}: options.batch must be a positive integer when points is one flat array, got ${String(batch)}`);
  }
  const flat = points as ArrayLike<number>;
  if (flat.length % batch !== 0) {
    throw new RangeError(`${fn}: flat points has length ${flat.length}, not a multiple of options.batch = ${batch}`);
  }
  const perGraph = flat.length / batch;
  const graphs = [];
  for (let b = 0; b < batch; b++) {
    const slice = Array.prototype.slice.call(flat, b * perGraph, (b + 1) * perGraph) as number[];
    graphs.push(readFeatureRows(slice, options.width, `${fn} (graph ${b})`));
  }
  return graphs;
}
