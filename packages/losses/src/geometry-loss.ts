import * as tf from '@tensorflow/tfjs';
import { assertRank, assertSameShape } from './assert-shape.js';

/**
 * The geometry loss `L_G = ‖G − Ĝ‖²` (docs/method.md §4), averaged over the batch and divided
 * by the geometry size D:
 *
 * ```
 * L_G = (1 / (B · D)) Σ_b Σ_d (g[b,d] − gHat[b,d])²
 * ```
 *
 * Dividing by D keeps `L_G` on the per-element scale of the heatmap MSE `L_S`, so the
 * weight λ in `λ·L_G + (1−λ)·L_S` means the same thing whatever D is (D = 128 by default);
 * multiply by D to get the paper's squared norm per sample.
 *
 * @param g    B×D geometry vectors from the geometry encoder (the target)
 * @param gHat B×D projections Ĝ = W×M of the backbone features
 * @returns scalar loss
 */
export function geometryLoss(g: tf.Tensor, gHat: tf.Tensor): tf.Scalar {
  assertRank(g, 2, 'geometryLoss(g)', 'B×D');
  assertRank(gHat, 2, 'geometryLoss(gHat)', 'B×D');
  assertSameShape(g, gHat, 'geometryLoss', ['g', 'gHat']);
  return tf.tidy(() => tf.mean(tf.squaredDifference(g, gHat)) as tf.Scalar);
}
