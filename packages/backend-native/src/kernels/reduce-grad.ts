// Gradients of Sum and Mean over one contiguous run of axes (x viewed as P×R×Q): on the
// `native` backend one kernel, G2rlExpandReduced, writes dy / divisor into every reduced
// position — tfjs's own gradient builds a ones tensor, multiplies and (Mean) divides: three
// full-size passes. Other axis sets and backends keep tfjs's gradient (see gradients.ts).
import * as tf from '@tensorflow/tfjs';
import type { Tensor, TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon.js';
import { wrapGradient } from './gradients.js';
import { reducePlan } from './reduce.js';
import { floatTensor, floatValues, outputArray, sizeOf, type NativeKernelArgs } from './util.js';

export const EXPAND_REDUCED_KERNEL = 'G2rlExpandReduced';

/** dy (the reduced shape) → out of attrs.shape: out[p, r, q] = dy[p, q] / attrs.divisor. */
export function expandReducedKernel(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const shape = attrs.shape as number[];
  const plan = reducePlan(shape, attrs.axis as number[], false);
  const dy = floatValues(backend, inputs.dy);
  if (!dy || !plan || dy.length !== plan.P * plan.Q) {
    throw new Error(`@g2rl/backend-native ${EXPAND_REDUCED_KERNEL}: dy does not match shape ${shape} and axis ${attrs.axis}`);
  }
  const out = outputArray(backend, sizeOf(shape));
  addon.expandReduced(dy, out, plan.P, plan.R, plan.Q, Number(attrs.divisor));
  return floatTensor(backend, [...shape], out);
}

function fastReduceGradient(mean: boolean) {
  return (dy: Tensor, saved: Tensor[], attrs: Record<string, unknown>) => {
    const [x] = saved as [Tensor];
    const plan = x.dtype === 'float32' && dy.dtype === 'float32' ? reducePlan(x.shape, attrs.axis as number[], false) : null;
    if (!plan || dy.size !== plan.P * plan.Q) return null;
    const divisor = mean ? plan.R : 1;
    const dx = tf.engine().runKernel(EXPAND_REDUCED_KERNEL, { dy }, { shape: x.shape, axis: attrs.axis as number[], divisor }) as Tensor;
    return { x: () => dx };
  };
}

/** Makes the `native` backend take the one-pass path for Sum's and Mean's gradients. */
export function installReductionGradients(backendName: string): void {
  wrapGradient('Sum', backendName, fastReduceGradient(false));
  wrapGradient('Mean', backendName, fastReduceGradient(true));
}
