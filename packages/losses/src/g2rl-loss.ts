import * as tf from '@tensorflow/tfjs';
import { assertRank } from './assert-shape.js';

/** Arguments of {@link g2rlLoss}. */
export interface G2rlLossArgs {
  /** λ in [0, 1]: the weight of the geometry loss. 0 = plain heatmap baseline. */
  lambda: number;
  /** scalar heatmap loss `L_S` (see `heatmapLoss`) */
  ls: tf.Tensor;
  /** scalar geometry loss `L_G` (see `geometryLoss`); may be omitted when λ = 0 */
  lg?: tf.Tensor;
}

/**
 * The total G2RL loss (docs/method.md §4): `L = λ·L_G + (1 − λ)·L_S`.
 *
 * When λ = 0, `lg` may be left out and the result is `L_S` itself, so a baseline never has
 * to run the geometry branch.
 *
 * @returns scalar loss
 */
export function g2rlLoss({ lambda, ls, lg }: G2rlLossArgs): tf.Scalar {
  if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda < 0 || lambda > 1) {
    throw new RangeError(`g2rlLoss(lambda): expected a number in [0, 1], got ${String(lambda)}`);
  }
  assertRank(ls, 0, 'g2rlLoss(ls)', '(scalar)');
  if (lambda === 0) {
    return tf.tidy(() => tf.clone(ls) as tf.Scalar);
  }
  if (lg == null) {
    throw new Error(`g2rlLoss(lg): required when lambda > 0 (lambda = ${lambda})`);
  }
  assertRank(lg, 0, 'g2rlLoss(lg)', '(scalar)');
  return tf.tidy(() => tf.add(tf.mul(lg, lambda), tf.mul(ls, 1 - lambda)) as tf.Scalar);
}
