// The fused Adam update. G2rlAdamUpdate(variable, gradient, m, v) → [variable', m', v'] for one
// variable in one native pass (tfjs chains ~12 full-size ops per variable), and
// G2rlAdamUpdateMany, the same for every variable of a step in one call (one kernel instead of
// one per variable, and the team shares the many small variables). The caller assigns the
// results; @g2rl/models' Adam uses the many-variable kernel when the active backend has it
// registered, else the one-variable kernel, else its own tfjs ops, with the same float32
// arithmetic (native/optimizer.cc: both kernels run each element through one loop).
import type { TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon.js';
import { floatTensor, floatValues, outputArray, type NativeKernelArgs } from './util.js';

/** The kernels' names (registered for the `native` backend only). */
export const ADAM_UPDATE_KERNEL = 'G2rlAdamUpdate';
export const ADAM_UPDATE_MANY_KERNEL = 'G2rlAdamUpdateMany';

const HYPER_NAMES = ['learningRate', 'beta1', 'beta2', 'epsilon', 'firstCorrection', 'secondCorrection'];

/** attrs → hyper = [learningRate, beta1, beta2, epsilon, 1 − β₁ᵗ, 1 − β₂ᵗ] (float64), each checked. */
function hyperOf(kernel: string, args: NativeKernelArgs): Float64Array {
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  return Float64Array.from(HYPER_NAMES, (name) => {
    const value = attrs[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`@g2rl/backend-native ${kernel}: attribute '${name}' must be a finite number, got ${String(value)}`);
    }
    return value;
  });
}

/** The four input arrays of one variable (`suffix` '' or its index), all float32 of the variable's shape. */
function variableArrays(kernel: string, args: NativeKernelArgs, suffix: string): { shape: number[]; values: Float32Array[] } {
  const names = ['variable', 'gradient', 'm', 'v'].map((name) => name + suffix);
  const shape = args.inputs[names[0]!]?.shape;
  const values = names.map((name) => {
    const t = args.inputs[name];
    const array = floatValues(args.backend, t);
    if (array == null || shape == null || t!.shape.join() !== shape.join()) {
      throw new Error(
        `@g2rl/backend-native ${kernel}: input '${name}' must be float32 of the variable's shape [${shape?.join(', ')}], ` +
          `got ${t?.dtype} [${t?.shape?.join(', ')}]`,
      );
    }
    return array;
  });
  return { shape: [...shape!], values };
}

/**
 * inputs: variable, gradient, m, v (float32, one shape); attrs: learningRate, beta1, beta2,
 * epsilon, firstCorrection (1 − β₁ᵗ), secondCorrection (1 − β₂ᵗ) → [variable', m', v'].
 */
export function adamUpdateKernel(args: NativeKernelArgs, addon: NativeAddon): TensorInfo[] {
  const hyper = hyperOf(ADAM_UPDATE_KERNEL, args);
  const { shape, values } = variableArrays(ADAM_UPDATE_KERNEL, args, '');
  const [w, g, m, v] = values as [Float32Array, Float32Array, Float32Array, Float32Array];
  const outs = [0, 1, 2].map(() => outputArray(args.backend, w.length));
  addon.adam(w, g, m, v, outs[0]!, outs[1]!, outs[2]!, hyper);
  return outs.map((out) => floatTensor(args.backend, shape, out));
}

/**
 * inputs: variable0, gradient0, m0, v0, variable1, … (each variable's four float32 arrays of
 * its shape); attrs: count (the number of variables) and the hyper-parameters as above →
 * [variable0', m0', v0', variable1', …], 3 × count tensors.
 */
export function adamUpdateManyKernel(args: NativeKernelArgs, addon: NativeAddon): TensorInfo[] {
  const hyper = hyperOf(ADAM_UPDATE_MANY_KERNEL, args);
  const count = (args.attrs as Record<string, unknown> | undefined)?.count;
  if (!Number.isInteger(count) || (count as number) < 0) {
    throw new Error(`@g2rl/backend-native ${ADAM_UPDATE_MANY_KERNEL}: attribute 'count' must be the number of variables, got ${String(count)}`);
  }
  const lists: Float32Array[][] = [[], [], [], [], [], [], []];
  const shapes: number[][] = [];
  for (let k = 0; k < (count as number); k++) {
    const { shape, values } = variableArrays(ADAM_UPDATE_MANY_KERNEL, args, String(k));
    shapes.push(shape);
    values.forEach((array, i) => lists[i]!.push(array));
    for (let i = 4; i < 7; i++) lists[i]!.push(outputArray(args.backend, values[0]!.length));
  }
  const [w, g, m, v, wOut, mOut, vOut] = lists as [Float32Array[], Float32Array[], Float32Array[], Float32Array[], Float32Array[], Float32Array[], Float32Array[]];
  addon.adamMany(w, g, m, v, wOut, mOut, vOut, hyper);
  return shapes.flatMap((shape, k) => [wOut[k]!, mOut[k]!, vOut[k]!].map((out) => floatTensor(args.backend, shape, out)));
}
