// Training-mode batch normalisation (batch statistics) with an optional ReLU as one native
// kernel forward and one backward, for @g2rl/models' BatchNormRelu layer (which runs tfjs's
// own ops on every other backend). tf.layers.batchNormalization + ReLU cost ~10 full-size
// kernels forward and ~20 in the gradient; these cost one pass (plus two reductions) each.
import type { TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon.js';
import { floatTensor, floatValues, outputArray, type NativeKernelArgs } from './util.js';

/** x …×C, gamma C, beta C; attrs epsilon, relu → [y …×C, mean C, variance C (biased)]. */
export const BATCH_NORM_TRAIN_KERNEL = 'G2rlBatchNormTrain';
/** dy, x, y …×C, gamma, mean, variance C; attrs epsilon, relu → [dx …×C, dgamma C, dbeta C]. */
export const BATCH_NORM_TRAIN_GRAD_KERNEL = 'G2rlBatchNormTrainGrad';

function floats(kernel: string, args: NativeKernelArgs, names: string[], channels: number | null): Float32Array[] {
  return names.map((name) => {
    const t = args.inputs[name];
    const values = floatValues(args.backend, t);
    const perChannel = channels != null && ['gamma', 'beta', 'mean', 'variance'].includes(name);
    if (values == null || (perChannel && (t!.shape.length !== 1 || values.length !== channels))) {
      throw new Error(
        `@g2rl/backend-native ${kernel}: input '${name}' must be float32${perChannel ? ` of shape [${channels}]` : ''}, got ${t?.dtype} [${t?.shape?.join(', ')}]`,
      );
    }
    return values;
  });
}

function attrsOf(kernel: string, args: NativeKernelArgs): { epsilon: number; relu: boolean } {
  const epsilon = args.attrs?.epsilon;
  if (typeof epsilon !== 'number' || !(epsilon >= 0)) throw new Error(`@g2rl/backend-native ${kernel}: attribute 'epsilon' must be a number ≥ 0, got ${String(epsilon)}`);
  return { epsilon, relu: Boolean(args.attrs?.relu) };
}

export function batchNormTrainKernel(args: NativeKernelArgs, addon: NativeAddon): TensorInfo[] {
  const x = args.inputs.x;
  const channels = x?.shape[x.shape.length - 1] ?? 0;
  const [xs, gamma, beta] = floats(BATCH_NORM_TRAIN_KERNEL, args, ['x', 'gamma', 'beta'], channels) as [Float32Array, Float32Array, Float32Array];
  const { epsilon, relu } = attrsOf(BATCH_NORM_TRAIN_KERNEL, args);
  const y = outputArray(args.backend, xs.length);
  const mean = outputArray(args.backend, channels);
  const variance = outputArray(args.backend, channels);
  addon.batchNormTrain(xs, gamma, beta, y, mean, variance, epsilon, relu);
  return [floatTensor(args.backend, [...x!.shape], y), floatTensor(args.backend, [channels], mean), floatTensor(args.backend, [channels], variance)];
}

export function batchNormTrainGradKernel(args: NativeKernelArgs, addon: NativeAddon): TensorInfo[] {
  const x = args.inputs.x;
  const channels = x?.shape[x.shape.length - 1] ?? 0;
  const names = ['dy', 'x', 'y', 'gamma', 'mean', 'variance'];
  const [dy, xs, y, gamma, mean, variance] = floats(BATCH_NORM_TRAIN_GRAD_KERNEL, args, names, channels) as Float32Array[];
  if (dy!.length !== xs!.length || y!.length !== xs!.length) {
    throw new Error(`@g2rl/backend-native ${BATCH_NORM_TRAIN_GRAD_KERNEL}: dy, x and y must have one shape`);
  }
  const { epsilon, relu } = attrsOf(BATCH_NORM_TRAIN_GRAD_KERNEL, args);
  const dx = outputArray(args.backend, xs!.length);
  const dgamma = outputArray(args.backend, channels);
  const dbeta = outputArray(args.backend, channels);
  addon.batchNormTrainGrad(dy!, xs!, y!, gamma!, mean!, variance!, epsilon, relu, dx, dgamma, dbeta);
  return [floatTensor(args.backend, [...x!.shape], dx), floatTensor(args.backend, [channels], dgamma), floatTensor(args.backend, [channels], dbeta)];
}
