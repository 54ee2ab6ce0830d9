import * as tf from '@tensorflow/tfjs';
import { readAdjacencyOptions, type AdjacencyOptions } from '@g2rl/graph';
import { constantOf } from './constant-of.js';

/** The graph's options: `@g2rl/graph`'s one type and validation (k, τ, τ mode). */
export type AdjacencyTensorOptions = AdjacencyOptions;

/**
 * Batched Gaussian k-nearest-neighbour adjacency, the tensor twin of `@g2rl/graph`'s
 * `euclideanAdjacency` (docs/method.md §3), equal to it to 1e-5:
 * `a_ij = exp(−d_ij²/τ²)` when j is one of the k nearest other nodes of i, symmetrised
 * (`A_ij = max(a_ij, a_ji)`), zero diagonal.
 *
 * Neighbours are chosen on float32 squared distances; exact ties go to the lower index, as
 * in `@g2rl/graph`. Gradients flow through the weights
 * `exp(−d²/τ²)`, not through the choice of neighbours nor through a 'mean-knn' τ (both are
 * treated as constants of the graph).
 *
 * @param features B×N×F node features (F⁰: landmark coordinates, B×N×2)
 * @returns B×N×N adjacency without self-loops
 */
export function euclideanAdjacencyTensor(features: tf.Tensor, options: AdjacencyTensorOptions = {}): tf.Tensor3D {
  const fn = 'euclideanAdjacencyTensor';
  const { k, tau, tauMode } = readAdjacencyOptions(options, fn);
  if (features == null || features.rank !== 3) {
    throw new Error(`${fn}(features): expected a B×N×F tensor, got shape [${features?.shape?.join(', ')}]`);
  }
  const [batch, nodes] = features.shape as number[];
  const neighbours = Math.min(k, nodes - 1);
  return tf.tidy(() => {
    if (neighbours < 1) return tf.zeros([batch, nodes, nodes]) as tf.Tensor3D;
    const squaredDistances = pairwiseSquaredDistances(features); // B×N×N
    // row i marks i's k nearest other nodes (0/1); a constant for autodiff
    const chosen = constantOf((d2) => nearestNeighbourMask(d2, nodes, neighbours))(squaredDistances);
    let tauSquared: tf.Tensor;
    if (tauMode === 'absolute') {
      tauSquared = tf.scalar(tau * tau);
    } else {
      // τ = tau · mean over every node's k chosen neighbours of d (not d²), per graph: B×1×1.
      // τ = 0 only if every chosen distance is 0; flooring τ² gives those edges exp(−0) = 1,
      // which is @g2rl/graph's limit for coincident points.
      tauSquared = constantOf((d2, mask) => {
        const meanDistance = tf.div(tf.sum(tf.mul(tf.sqrt(d2), mask), [1, 2], true), nodes * neighbours);
        return tf.maximum(tf.square(tf.mul(meanDistance, tau)), 1e-30);
      })(squaredDistances, chosen);
    }
    const weights = tf.exp(tf.neg(tf.div(squaredDistances, tauSquared)));
    // An edge exists if either end chose the other; weights are symmetric already.
    const symmetric = tf.maximum(chosen, tf.transpose(chosen, [0, 2, 1]));
    return tf.mul(weights, symmetric) as tf.Tensor3D;
  });
}

/**
 * B×N×F → B×N×N: d²_ij = Σ_f (x_if − x_jf)². Explicit differences rather than |a|²+|b|²−2ab:
 * no cancellation, so the neighbour order matches @g2rl/graph's double-precision order except
 * in near-exact ties. Computed in JavaScript, each operation rounded to float32 as the tfjs
 * ops (sub, square, sum) round it, instead of a broadcasting B×N×N×F subtraction (slow on
 * wasm); the gradient is tensor ops: ∂L/∂x = 2·(x·rowsum(S) − S·x) with S = G + Gᵀ, G = ∂L/∂d².
 */
const pairwiseSquaredDistances = tf.customGrad((...args: unknown[]) => {
  const [features, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const [batch, nodes, width] = features.shape as [number, number, number];
  const x = features.dataSync() as Float32Array;
  const out = new Float32Array(batch * nodes * nodes);
  const f = Math.fround;
  for (let b = 0; b < batch; b++) {
    const base = b * nodes * width;
    for (let i = 0; i < nodes; i++) {
      for (let j = 0; j < nodes; j++) {
        let sum = 0;
        for (let k = 0; k < width; k++) {
          const d = f(x[base + i * width + k]! - x[base + j * width + k]!);
          sum = f(sum + f(d * d));
        }
        out[(b * nodes + i) * nodes + j] = sum;
      }
    }
  }
  save([features]);
  return {
    value: tf.tensor3d(out, [batch, nodes, nodes]),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [points] = saved as [tf.Tensor3D];
      const g = dy as tf.Tensor3D;
      const symmetric = tf.add(g, tf.transpose(g, [0, 2, 1])) as tf.Tensor3D;
      return [tf.mul(2, tf.sub(tf.mul(points, tf.sum(symmetric, -1, true)), tf.matMul(symmetric, points)))];
    },
  };
}) as unknown as (features: tf.Tensor) => tf.Tensor;

/**
 * B×N×N 0/1 mask: row i marks the `k` nearest nodes other than i, ties to the lower index
 * (as `@g2rl/graph`). Chosen in JavaScript from the distances' values: a partial selection per
 * row costs far less than `topk` + `oneHot` + a sum over a B·N·k×N tensor, and its tie rule
 * does not depend on the backend.
 */
function nearestNeighbourMask(squaredDistances: tf.Tensor, nodes: number, k: number): tf.Tensor {
  const d2 = squaredDistances.dataSync() as Float32Array;
  const batch = squaredDistances.shape[0] as number;
  const mask = new Float32Array(batch * nodes * nodes);
  const chosen = new Int32Array(k);
  for (let row = 0; row < batch * nodes; row++) {
    const i = row % nodes;
    const base = row * nodes;
    // insertion into a sorted list of the k best (distance, then index) seen so far
    let count = 0;
    for (let j = 0; j < nodes; j++) {
      if (j === i) continue;
      const d = d2[base + j]!;
      if (count === k && !(d < d2[base + chosen[k - 1]!]!)) continue; // j > every chosen index: a tie loses
      let at = count < k ? count++ : k - 1;
      while (at > 0 && d < d2[base + chosen[at - 1]!]!) {
        chosen[at] = chosen[at - 1]!;
        at--;
      }
      chosen[at] = j;
    }
    for (let c = 0; c < count; c++) mask[base + chosen[c]!] = 1;
  }
  return tf.tensor3d(mask, [batch, nodes, nodes]);
}

/**
 * GCN normalisation of a batch of adjacencies, the tensor twin of `@g2rl/graph`'s
 * `normalizeAdjacency`: `Â = D^-1/2 (A + I) D^-1/2`, `D_ii = 1 + Σ_j A_ij`.
 *
 * @param adjacency B×N×N non-negative
 * @returns B×N×N
 */
export function normalizeAdjacencyTensor(adjacency: tf.Tensor): tf.Tensor3D {
  if (adjacency == null || adjacency.rank !== 3 || adjacency.shape[1] !== adjacency.shape[2]) {
    throw new Error(
      `normalizeAdjacencyTensor(adjacency): expected a B×N×N tensor, got shape [${adjacency?.shape?.join(', ')}]`,
    );
  }
  const nodes = adjacency.shape[1] as number;
  return tf.tidy(() => {
    const withSelfLoops = tf.add(adjacency, tf.eye(nodes as number));
    const inverseSqrtDegree = tf.rsqrt(tf.sum(withSelfLoops, -1)); // B×N
    return tf.mul(
      tf.mul(withSelfLoops, tf.expandDims(inverseSqrtDegree, 2)),
      tf.expandDims(inverseSqrtDegree, 1),
    ) as tf.Tensor3D;
  });
}

/** `normalizeAdjacencyTensor(euclideanAdjacencyTensor(features, options))`: B×N×F → B×N×N. */
export function gcnAdjacencyTensor(features: tf.Tensor, options: AdjacencyTensorOptions = {}): tf.Tensor3D {
  return tf.tidy(() => normalizeAdjacencyTensor(euclideanAdjacencyTensor(features, options)));
}
