// The FusedBatchNorm gradient in two passes instead of tfjs's ~15 full-size ops: on the
// `native` backend, for per-channel statistics (mean, variance, scale of C values, the
// tf.layers.batchNormalization case), one native kernel, G2rlFusedBatchNormGrad; elsewhere
// tfjs's own gradient (see gradients.ts).
import * as tf from '@tensorflow/tfjs';
import type { Tensor, TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon.js';
import { wrapGradient } from './gradients.js';
import { floatTensor, floatValues, outputArray, type NativeKernelArgs } from './util.js';

/** The native kernel's name (registered for the `native` backend only). */
export const BATCH_NORM_GRAD_KERNEL = 'G2rlFusedBatchNormGrad';

/** dy, x …×C; mean, variance, scale? C → [dx …×C, dmean, dvariance, dscale, doffset (C each)]. */
export function batchNormGradKernel(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const [dy, x, mean, variance] = [inputs.dy, inputs.x, inputs.mean, inputs.variance].map((t) => floatValues(backend, t));
  const scale = inputs.scale == null ? null : floatValues(backend, inputs.scale);
  if (!dy || !x || !mean || !variance || (inputs.scale != null && !scale)) {
    // installBatchNormGradient only calls this kernel for float32 per-channel inputs
    throw new Error(`@g2rl/backend-native ${BATCH_NORM_GRAD_KERNEL}: inputs must be float32`);
  }
  const channels = mean.length;
  const dx = outputArray(backend, x.length);
  const perChannel = [0, 1, 2, 3].map(() => outputArray(backend, channels));
  const [dmean, dvariance, dscale, doffset] = perChannel as [Float32Array, Float32Array, Float32Array, Float32Array];
  addon.batchNormGrad(dy, x, mean, variance, scale, Number(attrs.varianceEpsilon ?? 0.001), dx, dmean, dvariance, dscale, doffset);
  return [floatTensor(backend, [...inputs.x!.shape], dx), ...perChannel.map((p) => floatTensor(backend, [channels], p))];
}

/** Whether the native gradient applies: float32, statistics rank 1 with C = x's last dim. */
function eligible(x: Tensor, mean: Tensor, variance: Tensor, scale: Tensor | undefined): boolean {
  const channels = x.shape[x.rank - 1];
  const perChannel = (t: Tensor) => t.rank === 1 && t.shape[0] === channels && t.dtype === 'float32';
  return x.dtype === 'float32' && x.rank >= 2 && perChannel(mean) && perChannel(variance) && (scale == null || perChannel(scale));
}

/** Makes the `native` backend take the fused path for FusedBatchNorm's gradient. */
export function installBatchNormGradient(backendName: string): void {
  wrapGradient('FusedBatchNorm', backendName, (dy, saved, attrs) => {
    const [x, mean, variance, scale] = saved as [Tensor, Tensor, Tensor, Tensor | undefined];
    if (!eligible(x, mean, variance, scale)) return null;
    const inputs: Record<string, Tensor> = { dy, x, mean, variance };
    if (scale != null) inputs.scale = scale;
    const [dx, dmean, dvariance, dscale, doffset] = tf
      .engine()
      .runKernel(BATCH_NORM_GRAD_KERNEL, inputs, { varianceEpsilon: attrs.varianceEpsilon }) as Tensor[];
    return { x: () => dx!, mean: () => dmean!, variance: () => dvariance!, scale: () => dscale!, offset: () => doffset! };
  });
}
