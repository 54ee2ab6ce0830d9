import * as tf from '@tensorflow/tfjs';
import { assertRank, assertSameShape } from './assert-shape.js';

/**
 * Masked MSE between predicted and labelled AU intensities, skipping missing labels
 * (NaN, docs/method.md §1): the geometry pretraining loss (landmarks → intensities) and the
 * 'joint' mode's auxiliary loss on G.
 *
 * ```
 * L_I = Σ_{b,a labelled} (pred[b,a] − target[b,a])²  /  #labelled      (0 when nothing is labelled)
 * ```
 *
 * @param pred   B×A predicted intensities
 * @param target B×A labelled intensities, NaN = missing
 * @returns scalar loss
 */
export function intensityLoss(pred: tf.Tensor, target: tf.Tensor): tf.Scalar {
  assertRank(pred, 2, 'intensityLoss(pred)', 'B×A');
  assertRank(target, 2, 'intensityLoss(target)', 'B×A');
  assertSameShape(pred, target, 'intensityLoss', ['pred', 'target']);
  return tf.tidy(() => {
    const missing = tf.isNaN(target);
    const labelled = tf.cast(tf.logicalNot(missing), 'float32');
    // NaN targets are replaced before subtracting: NaN · 0 would still be NaN.
    const safeTarget = tf.where(missing, tf.zerosLike(target), target);
    const squaredError = tf.sum(tf.mul(tf.squaredDifference(pred, safeTarget), labelled));
    return tf.div(squaredError, tf.maximum(tf.sum(labelled), 1)) as tf.Scalar;
  });
}
