// BatchMatMul and _FusedMatMul on oneDNN's sgemm. a …×M×K (or …×K×M with transposeA),
// b …×K×N (or …×N×K), output …×M×N; the batch dims of one side may be all 1 (broadcast).
// _FusedMatMul adds a bias of N values (or one) and applies the activation in one pass.
import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon.js';
import { activationCode, cpuKernel, floatTensor, floatValues, outputArray, sizeOf, type NativeKernelArgs } from './util.js';

/** Output shape and the addon's params, or null when the batch broadcast is not one-sided. */
export function matMulPlan(
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA: boolean,
  transposeB: boolean,
): { outShape: number[]; params: Int32Array } | null {
  const aRank = aShape.length;
  const bRank = bShape.length;
  if (aRank < 2 || bRank < 2) return null;
  const M = transposeA ? aShape[aRank - 1]! : aShape[aRank - 2]!;
  const K = transposeA ? aShape[aRank - 2]! : aShape[aRank - 1]!;
  const kB = transposeB ? bShape[bRank - 1]! : bShape[bRank - 2]!;
  const N = transposeB ? bShape[bRank - 2]! : bShape[bRank - 1]!;
  if (K !== kB) return null; // the cpu kernel throws tfjs's own message
  const outerA = aShape.slice(0, -2);
  const outerB = bShape.slice(0, -2);
  const outer = backend_util.assertAndGetBroadcastShape(outerA, outerB);
  const batchA = sizeOf(outerA);
  const batchB = sizeOf(outerB);
  // Each side is either one matrix (broadcast) or exactly the output's batch arrangement.
  const full = (dims: number[]) =>
    [...new Array<number>(outer.length - dims.length).fill(1), ...dims].join() === outer.join();
  if (!((batchA === 1 || full(outerA)) && (batchB === 1 || full(outerB)))) return null;
  return {
    outShape: [...outer, M, N],
    params: Int32Array.from([batchA, batchB, M, N, K, transposeA ? 1 : 0, transposeB ? 1 : 0]),
  };
}

function multiply(kernelName: string, args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const a = floatValues(backend, inputs.a);
  const b = floatValues(backend, inputs.b);
  const plan = matMulPlan(inputs.a!.shape, inputs.b!.shape, Boolean(attrs.transposeA), Boolean(attrs.transposeB));
  const activation = activationCode(attrs.activation);
  let bias: Float32Array | null = null;
  if (inputs.bias != null && plan) {
    bias = floatValues(backend, inputs.bias);
    const N = plan.outShape[plan.outShape.length - 1]!;
    const shape = inputs.bias.shape;
    const perColumn = shape.length >= 1 && shape[shape.length - 1] === N && sizeOf(shape) === N;
    if (bias && !(perColumn || bias.length === 1)) bias = null;
    if (bias == null) return cpuKernel(kernelName, args);
  }
  if (!a || !b || !plan || activation === undefined) return cpuKernel(kernelName, args);
  const out = outputArray(backend, sizeOf(plan.outShape));
  if (plan.params[4] === 0) out.fill(0); // K = 0: a gemm may leave C untouched
  addon.matMul(a, b, out, plan.params, bias, activation, Number(attrs.leakyreluAlpha ?? 0.2));
  return floatTensor(backend, plan.outShape, out);
}

export function batchMatMul(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  return multiply('BatchMatMul', args, addon);
}

export function fusedMatMul(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  return multiply('_FusedMatMul', args, addon);
}
