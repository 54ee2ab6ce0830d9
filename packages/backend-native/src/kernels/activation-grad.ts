// Gradients of Relu and Square in one native pass each, where tfjs composes two full-size
// ops: Relu's `mul(dy, step(x))` and Square's `mul(dy, mul(x, 2))` (the batch-norm moments
// square every activation). Same arithmetic, NaN included; on `native` only, for float32
// same-shape dy and x; elsewhere tfjs's own gradients run (see gradients.ts).
import * as tf from '@tensorflow/tfjs';
import type { Tensor, TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon.js';
import { wrapGradient } from './gradients.js';
import { floatTensor, floatValues, outputArray, type NativeKernelArgs } from './util.js';

export const RELU_GRAD_KERNEL = 'G2rlReluGrad';
export const SQUARE_GRAD_KERNEL = 'G2rlSquareGrad';

/** The addon's binary op codes of the two gradients. */
const OPS = { [RELU_GRAD_KERNEL]: 7, [SQUARE_GRAD_KERNEL]: 8 } as const;

function gradKernel(kernelName: keyof typeof OPS) {
  return (args: NativeKernelArgs, addon: NativeAddon): TensorInfo => {
    const { backend, inputs } = args;
    const dy = floatValues(backend, inputs.dy);
    const x = floatValues(backend, inputs.x);
    if (!dy || !x || dy.length !== x.length) {
      throw new Error(`@g2rl/backend-native ${kernelName}: dy and x must be float32 of one shape`);
    }
    const out = outputArray(backend, x.length);
    addon.binary(OPS[kernelName], dy, x, out, 0, 1);
    return floatTensor(backend, [...inputs.x!.shape], out);
  };
}

export const reluGradKernel = gradKernel(RELU_GRAD_KERNEL);
export const squareGradKernel = gradKernel(SQUARE_GRAD_KERNEL);

function fastGradient(kernelName: keyof typeof OPS) {
  return (dy: Tensor, saved: Tensor[]) => {
    const [x] = saved as [Tensor];
    if (x.dtype !== 'float32' || dy.dtype !== 'float32' || x.shape.join() !== dy.shape.join()) return null;
    const dx = tf.engine().runKernel(kernelName, { dy, x }) as Tensor;
    return { x: () => dx };
  };
}

/** Makes the `native` backend take the one-pass gradients of Relu and Square. */
export function installActivationGradients(backendName: string): void {
  wrapGradient('Relu', backendName, fastGradient(RELU_GRAD_KERNEL));
  wrapGradient('Square', backendName, fastGradient(SQUARE_GRAD_KERNEL));
}
