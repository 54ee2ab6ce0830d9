/**
 * The parameters of g2rl's Gaussian k-NN graph (docs/method.md §3) and their one validation.
 * `euclideanAdjacency` here and the tensor twin in `@g2rl/models` (`euclideanAdjacencyTensor`,
 * `EuclideanAdjacencyLayer`) both read their options through {@link readAdjacencyOptions},
 * so a default or a rule changes in this file only.
 */

/**
 * How τ (the Gaussian's width) is chosen:
 * - `'absolute'`: τ = `tau`, in the units of the features. Not scale invariant: scaling
 *   the points by s changes every weight, unless the features are normalised first (e.g.
 *   divided by the inter-ocular distance, as `geometryFeatures` in `@g2rl/heatmaps` does
 *   for the GCN's `F⁰`, docs/method.md §3).
 * - `'mean-knn'`: τ = `tau` · (mean distance from each node to its k nearest neighbours,
 *   over all nodes). Scaling the points by s scales τ by s too, so the graph is scale
 *   invariant. Used for features with no natural unit (the dynamic graph's hidden layers).
 */
export type TauMode = 'absolute' | 'mean-knn';

/** The graph rule's parameters: `a_ij = exp(−d_ij²/τ²)` on each node's k nearest neighbours. */
export interface AdjacencyOptions {
  /** Neighbours kept per node (default 8). `k ≥ N − 1` (or `Infinity`) keeps all other nodes. */
  k?: number;
  /** τ for `'absolute'`, or the factor on the mean k-NN distance for `'mean-knn'` (default 1). */
  tau?: number;
  /** See {@link TauMode} (default `'absolute'`). */
  tauMode?: TauMode;
}

export const DEFAULT_ADJACENCY_OPTIONS: Readonly<Required<AdjacencyOptions>> = Object.freeze({ k: 8, tau: 1, tauMode: 'absolute' });

/** Checks the options and fills in the defaults; errors name `fn` and the field. */
export function readAdjacencyOptions(options: AdjacencyOptions | undefined, fn: string): Required<AdjacencyOptions> {
  const { k = DEFAULT_ADJACENCY_OPTIONS.k, tau = DEFAULT_ADJACENCY_OPTIONS.tau, tauMode = DEFAULT_ADJACENCY_OPTIONS.tauMode } = options ?? {};
  if (typeof k !== 'number' || !(k === Infinity || (Number.isInteger(k) && k >= 1))) {
    throw new RangeError(`${fn}: options.k must be an integer ≥ 1 (or Infinity for all other nodes), got ${String(k)}`);
  }
  if (typeof tau !== 'number' || !Number.isFinite(tau) || tau <= 0) {
    throw new RangeError(`${fn}: options.tau must be a finite number > 0, got ${String(tau)}`);
  }
  if (tauMode !== 'absolute' && tauMode !== 'mean-knn') {
    throw new RangeError(`${fn}: options.tauMode must be 'absolute' or 'mean-knn', got ${JSON.stringify(tauMode)}`);
  }
  return { k, tau, tauMode };
}
