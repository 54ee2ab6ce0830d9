// The FusedBatchNorm gradient in two passes instead of tfjs's ~15 full-size ops. tfjs keeps
// gradients in one global registry (not per backend), so this wraps the registered gradient:
// on the `native` backend, for per-channel statistics (mean, variance, scale of C values, the
// tf.layers.batchNormalization case), it runs one native kernel, G2rlFusedBatchNormGrad; on
// every other backend and shape it calls tfjs's own gradient unchanged.
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon.js';
import { floatTensor, floatValues, type NativeKernelArgs } from './util.js';

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
  const dx = new Float32Array(x.length);
  const perChannel = [0, 1, 2, 3].map(() => new Float32Array(channels));
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

let installed = false;

/** Wraps tfjs's FusedBatchNorm gradient (once) so the `native` backend takes the fused path. */
export function installBatchNormGradient(backendName: string): void {
  if (installed) return;
  const original = tf.getGradient('FusedBatchNorm');
  if (original == null) return;
  const wrapped: GradConfig = {
    ...original,
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const [x, mean, variance, scale] = saved as [Tensor, Tensor, Tensor, Tensor | undefined];
      if (tf.getBackend() !== backendName || Array.isArray(dy) || !eligible(x, mean, variance, scale)) {
        return original.gradFunc(dy, saved, attrs);
      }
      const inputs: Record<string, Tensor> = { dy, x, mean, variance };
      if (scale != null) inputs.scale = scale;
      const [dx, dmean, dvariance, dscale, doffset] = tf
        .engine()
        .runKernel(BATCH_NORM_GRAD_KERNEL, inputs, { varianceEpsilon: attrs.varianceEpsilon }) as Tensor[];
      return {
        x: () => dx!,
        mean: () => dmean!,
        variance: () => dvariance!,
        scale: () => dscale!,
        offset: () => doffset!,
      };
    },
  };
  // registerGradient warns when it replaces an entry; this replacement is deliberate.
  const warn = console.warn;
  console.warn = () => {};
  try {
    tf.registerGradient(wrapped);
  } finally {
    console.warn = warn;
  }
  installed = true;
}
