// A fused Adam update for one variable: G2rlAdamUpdate(variable, gradient, m, v) →
// [variable', m', v'] in one native pass (tfjs chains ~12 full-size ops per variable). The
// caller assigns the results; @g2rl/models' Adam uses this kernel when the active backend
// has it registered and its own tfjs ops otherwise, with the same float32 arithmetic.
import type { TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon.js';
import { floatTensor, floatValues, outputArray, type NativeKernelArgs } from './util.js';

/** The kernel's name (registered for the `native` backend only). */
export const ADAM_UPDATE_KERNEL = 'G2rlAdamUpdate';

/**
 * inputs: variable, gradient, m, v (float32, one shape); attrs: learningRate, beta1, beta2,
 * epsilon, firstCorrection (1 − β₁ᵗ), secondCorrection (1 − β₂ᵗ) → [variable', m', v'].
 */
export function adamUpdateKernel(args: NativeKernelArgs, addon: NativeAddon): TensorInfo[] {
  const { backend, inputs } = args;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const names = ['variable', 'gradient', 'm', 'v'] as const;
  const values = names.map((name) => floatValues(backend, inputs[name]));
  const shape = inputs.variable?.shape;
  names.forEach((name, i) => {
    const t = inputs[name];
    if (values[i] == null || shape == null || t!.shape.join() !== shape.join()) {
      throw new Error(
        `@g2rl/backend-native ${ADAM_UPDATE_KERNEL}: input '${name}' must be float32 of the variable's shape [${shape?.join(', ')}], ` +
          `got ${t?.dtype} [${t?.shape?.join(', ')}]`,
      );
    }
  });
  const hyperNames = ['learningRate', 'beta1', 'beta2', 'epsilon', 'firstCorrection', 'secondCorrection'];
  const hyper = Float64Array.from(hyperNames, (name) => {
    const value = attrs[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`@g2rl/backend-native ${ADAM_UPDATE_KERNEL}: attribute '${name}' must be a finite number, got ${String(value)}`);
    }
    return value;
  });
  const [w, g, m, v] = values as Float32Array[];
  const outs = [0, 1, 2].map(() => outputArray(backend, w!.length));
  addon.adam(w!, g!, m!, v!, outs[0]!, outs[1]!, outs[2]!, hyper);
  return outs.map((out) => floatTensor(backend, [...shape!], out));
}
