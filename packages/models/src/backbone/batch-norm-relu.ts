import * as tf from '@tensorflow/tfjs';

/**
 * Names of the fused training batch-norm kernels `@g2rl/backend-native` registers for its
 * `native` backend (not a dependency: used when the active backend has them):
 * G2rlBatchNormTrain: x …×C, gamma C, beta C; attrs epsilon, relu → [y, mean, variance (biased)];
 * G2rlBatchNormTrainGrad: dy, x, y, gamma, mean, variance; attrs epsilon, relu → [dx, dgamma, dbeta].
 */
export const FUSED_BATCH_NORM_KERNEL = 'G2rlBatchNormTrain';
export const FUSED_BATCH_NORM_GRAD_KERNEL = 'G2rlBatchNormTrainGrad';

export interface BatchNormReluArgs {
  name?: string;
  /** moving-average momentum (tfjs convention: new = old·momentum + batch·(1 − momentum)); default 0.99 */
  momentum?: number;
  /** default 1e-3 */
  epsilon?: number;
  /** apply a ReLU after the normalisation; default true */
  relu?: boolean;
}

/**
 * Batch normalisation over the last axis followed by a ReLU, as one layer: input B×…×C →
 * output of the same shape. Weights `gamma, beta, moving_mean, moving_variance` as
 * tf.layers.batchNormalization's, and the same results as that layer followed by
 * tf.layers.reLU on every backend without the fused kernels (the same tfjs ops, in the same
 * order). Training on a backend that has them (`native`) normalises and rectifies in one
 * kernel and takes the whole gradient — through the batch statistics — in another, instead of
 * tf.moments + batchNorm + relu and their ~20 gradient ops; the results agree to float32
 * rounding (the batch sums are accumulated in double there).
 */
export class BatchNormRelu extends tf.layers.Layer {
  static className = 'BatchNormRelu';
  readonly momentum: number;
  readonly epsilon: number;
  readonly relu: boolean;
  private gamma!: tf.LayerVariable;
  private beta!: tf.LayerVariable;
  private movingMean!: tf.LayerVariable;
  private movingVariance!: tf.LayerVariable;

  constructor(args: BatchNormReluArgs = {}) {
    super({ name: args.name });
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    this.relu = args.relu ?? true;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new RangeError(`BatchNormRelu(momentum): expected a number in [0, 1], got ${String(args.momentum)}`);
    if (!(this.epsilon > 0)) throw new RangeError(`BatchNormRelu(epsilon): expected a number > 0, got ${String(args.epsilon)}`);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (channels == null) throw new Error(`BatchNormRelu '${this.name}': the last axis of input shape [${shape.join(', ')}] must be defined`);
    this.gamma = this.addWeight('gamma', [channels], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [channels], 'float32', tf.initializers.zeros());
    this.movingMean = this.addWeight('moving_mean', [channels], 'float32', tf.initializers.zeros(), undefined, false);
    this.movingVariance = this.addWeight('moving_variance', [channels], 'float32', tf.initializers.ones(), undefined, false);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const gamma = this.gamma.read();
      const beta = this.beta.read();
      const rectify = (t: tf.Tensor) => (this.relu ? tf.relu(t) : t);
      if (!kwargs.training) {
        return rectify(tf.batchNorm(x, this.movingMean.read(), this.movingVariance.read(), beta, gamma, this.epsilon));
      }
      const fused =
        x.dtype === 'float32' &&
        tf.getKernel(FUSED_BATCH_NORM_KERNEL, tf.getBackend()) != null &&
        tf.getKernel(FUSED_BATCH_NORM_GRAD_KERNEL, tf.getBackend()) != null;
      let y: tf.Tensor;
      let mean: tf.Tensor;
      let variance: tf.Tensor;
      if (fused) {
        [y, mean, variance] = this.fusedTraining(x, gamma, beta);
      } else {
        // tf.layers.batchNormalization's training path (normalizeBatchInTraining) for a last-axis norm
        const axes = x.shape.slice(0, -1).map((_, i) => i);
        ({ mean, variance } = tf.moments(x, axes));
        y = rectify(tf.batchNorm(x, mean, variance, beta, gamma, this.epsilon));
      }
      // tf.layers' moving averages: old − (old − batch)·(1 − momentum)
      for (const [target, value] of [[this.movingMean, mean], [this.movingVariance, variance]] as const) {
        const old = target.read();
        target.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - this.momentum)));
      }
      if (fused) tf.dispose([mean, variance]);
      return y;
    });
  }

  /** [y, mean, variance] from the fused kernels, y differentiable in x, gamma and beta. */
  private fusedTraining(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): [tf.Tensor, tf.Tensor, tf.Tensor] {
    const attrs = { epsilon: this.epsilon, relu: this.relu };
    let stats: tf.Tensor[] = [];
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xIn, gammaIn, betaIn] = args as tf.Tensor[];
      const save = args[3] as tf.GradSaveFunc;
      const [y, mean, variance] = tf.engine().runKernel(FUSED_BATCH_NORM_KERNEL, { x: xIn!, gamma: gammaIn!, beta: betaIn! }, attrs) as tf.Tensor[];
      // the statistics leave the custom-gradient scope for the moving averages (disposed by call)
      stats = [tf.keep(mean!), tf.keep(variance!)];
      save([xIn!, y!, gammaIn!, mean!, variance!]);
      return {
        value: y!,
        gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
          const [sx, sy, sgamma, smean, svariance] = saved;
          const inputs = { dy: dy as tf.Tensor, x: sx!, y: sy!, gamma: sgamma!, mean: smean!, variance: svariance! };
          return tf.engine().runKernel(FUSED_BATCH_NORM_GRAD_KERNEL, inputs, attrs) as tf.Tensor[];
        },
      };
    });
    const y = op(x, gamma, beta) as tf.Tensor;
    return [y, stats[0]!, stats[1]!];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon, relu: this.relu };
  }
}
tf.serialization.registerClass(BatchNormRelu);
