import * as tf from '@tensorflow/tfjs';
import { assertRank, assertSameShape } from './assert-shape.js';

/**
 * The heatmap loss `L_S` (docs/method.md §2): mean squared error between predicted and target
 * heatmaps, masked by missing AUs.
 *
 * ```
 * L_S = Σ_b Σ_k w[b,k] · Σ_ij (pred[b,i,j,k] − target[b,i,j,k])²  /  (H · W · Σ_b Σ_k w[b,k])
 * ```
 *
 * With 0/1 weights (what `@g2rl/heatmaps` produces: 0 for an AU whose intensity is NaN)
 * this is the plain mean over every pixel of every channel whose weight is > 0; masked
 * channels neither count in the mean nor receive gradient. A batch in which every channel
 * is masked gives 0 (not NaN), with zero gradient.
 *
 * @param pred    B×H×W×K predicted heatmaps
 * @param target  B×H×W×K target heatmaps
 * @param weights B×K per-channel weights (0 = missing label, 1 = present)
 * @returns scalar loss
 */
export function heatmapLoss(pred: tf.Tensor, target: tf.Tensor, weights: tf.Tensor): tf.Scalar {
  assertRank(pred, 4, 'heatmapLoss(pred)', 'B×H×W×K');
  assertRank(target, 4, 'heatmapLoss(target)', 'B×H×W×K');
  assertRank(weights, 2, 'heatmapLoss(weights)', 'B×K');
  assertSameShape(pred, target, 'heatmapLoss', ['pred', 'target']);
  const [batch, height, width, channels] = pred.shape;
  if (weights.shape[0] !== batch || weights.shape[1] !== channels) {
    throw new Error(
      `heatmapLoss(weights): expected shape [${batch}, ${channels}] (B×K from pred), got ` +
        `[${weights.shape.join(', ')}]`,
    );
  }
  return tf.tidy(() => {
    // Σ_ij (p − t)² per (b, k): B×K
    const squaredErrorPerChannel = tf.sum(tf.squaredDifference(pred, target), [1, 2]);
    const weighted = tf.sum(tf.mul(squaredErrorPerChannel, weights));
    const pixelsCounted = tf.mul(tf.sum(weights), height * width);
    // An all-masked batch has weighted = 0 exactly, so flooring the count at a tiny value
    // gives 0 instead of 0/0 (divNoNan would do the same but has no gradient in tfjs).
    return tf.div(weighted, tf.maximum(pixelsCounted, 1e-12)) as tf.Scalar;
  });
}
