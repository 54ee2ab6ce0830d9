// Element-wise kernels: binary ops with every broadcast (same shape, scalar, per-channel
// vector and per-sample value as fast paths; any other as strided reads), comparisons into
// bool tensors, AddN, unary activations/maths, ClipByValue, and the FusedBatchNorm forward. Non-float32
// dtypes and rank > 8 run the `cpu` kernel.
import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon.js';
import { cpuKernel, floatTensor, floatValues, outputArray, sizeOf, type NativeKernel, type NativeKernelArgs } from './util.js';

/** tfjs kernel name → the addon's binary op code. */
export const BINARY_OPS: Record<string, number> = {
  Add: 0,
  Sub: 1,
  Multiply: 2,
  RealDiv: 3,
  Maximum: 4,
  Minimum: 5,
  SquaredDifference: 6,
};

/** tfjs kernel name → the addon's unary op code. */
export const UNARY_OPS: Record<string, number> = {
  Relu: 0,
  Relu6: 1,
  LeakyRelu: 2,
  Step: 3,
  Sqrt: 4,
  Rsqrt: 5,
  Square: 6,
  Neg: 7,
  Exp: 8,
  Log: 9,
  Abs: 10,
  Sigmoid: 11,
  Tanh: 12,
  Reciprocal: 13,
  Elu: 14,
};

export interface BroadcastPlan {
  outShape: number[];
  /** 0 same, 1 b scalar, 2 a scalar, 3 b tiled, 4 a tiled, 5 b blocked, 6 a blocked. */
  mode: number;
  inner: number;
}

/** Drops leading 1s: [1, 1, 3] → [3]. */
function squeezeLeading(shape: readonly number[]): number[] {
  let i = 0;
  while (i < shape.length && shape[i] === 1) i++;
  return shape.slice(i);
}

/** `small` is `full`'s trailing dims (after dropping its leading 1s). */
function isTrailing(small: readonly number[], full: readonly number[]): boolean {
  const s = squeezeLeading(small);
  if (s.length === 0 || s.length > full.length) return false;
  return s.every((d, i) => d === full[full.length - s.length + i]);
}

/** `small`, right-aligned to `full`, is `full`'s leading dims followed only by 1s. */
function isLeading(small: readonly number[], full: readonly number[]): boolean {
  if (small.length > full.length) return false;
  const aligned = [...new Array<number>(full.length - small.length).fill(1), ...small];
  let k = aligned.length;
  while (k > 0 && aligned[k - 1] === 1) k--;
  return k > 0 && aligned.slice(0, k).every((d, i) => d === full[i]);
}

/** How the addon can broadcast a against b (see BroadcastPlan), or null when it cannot. */
export function broadcastPlan(aShape: readonly number[], bShape: readonly number[]): BroadcastPlan | null {
  const outShape = backend_util.assertAndGetBroadcastShape([...aShape], [...bShape]);
  const size = sizeOf(outShape);
  const sizeA = sizeOf(aShape);
  const sizeB = sizeOf(bShape);
  if (sizeA === size && sizeB === size) return { outShape, mode: 0, inner: 1 };
  if (sizeA === size && sizeB === 1) return { outShape, mode: 1, inner: 1 };
  if (sizeB === size && sizeA === 1) return { outShape, mode: 2, inner: 1 };
  if (size === 0) return null;
  if (sizeA === size && isTrailing(bShape, outShape)) return { outShape, mode: 3, inner: sizeB };
  if (sizeB === size && isTrailing(aShape, outShape)) return { outShape, mode: 4, inner: sizeA };
  if (sizeA === size && isLeading(bShape, outShape)) return { outShape, mode: 5, inner: size / sizeB };
  if (sizeB === size && isLeading(aShape, outShape)) return { outShape, mode: 6, inner: size / sizeA };
  return null;
}

/** Row-major strides of `shape`, 0 along axes of size 1 (broadcast). */
function broadcastStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = shape[d] === 1 ? 0 : stride;
    stride *= shape[d]!;
  }
  return strides;
}

export interface StridedPlan {
  outShape: number[];
  /** the output's axes after merging, with a's and b's strides along them */
  shape: Int32Array;
  aStrides: Int32Array;
  bStrides: Int32Array;
}

/**
 * Any broadcast of a against b as strided reads (stride 0 along a broadcast axis), with
 * neighbouring axes merged where both inputs allow it: e.g. B×N×1×F − B×1×N×F.
 */
export function stridedPlan(aShape: readonly number[], bShape: readonly number[]): StridedPlan {
  const outShape = backend_util.assertAndGetBroadcastShape([...aShape], [...bShape]);
  const rank = outShape.length;
  const pad = (shape: readonly number[]) => [...new Array<number>(rank - shape.length).fill(1), ...shape];
  const as = broadcastStrides(pad(aShape));
  const bs = broadcastStrides(pad(bShape));
  const dims: { size: number; a: number; b: number }[] = [];
  outShape.forEach((size, d) => {
    if (size === 1) return; // contributes no offset
    const previous = dims[dims.length - 1];
    if (previous && previous.a === as[d]! * size && previous.b === bs[d]! * size) {
      previous.size *= size;
      previous.a = as[d]!;
      previous.b = bs[d]!;
    } else {
      dims.push({ size, a: as[d]!, b: bs[d]! });
    }
  });
  if (dims.length === 0) dims.push({ size: 1, a: 0, b: 0 });
  return {
    outShape,
    shape: Int32Array.from(dims, (d) => d.size),
    aStrides: Int32Array.from(dims, (d) => d.a),
    bStrides: Int32Array.from(dims, (d) => d.b),
  };
}

function binaryKernel(kernelName: string): NativeKernel {
  const op = BINARY_OPS[kernelName]!;
  return (args, addon) => {
    const { backend, inputs } = args;
    const a = floatValues(backend, inputs.a);
    const b = floatValues(backend, inputs.b);
    if (!a || !b) return cpuKernel(kernelName, args);
    const plan = broadcastPlan(inputs.a!.shape, inputs.b!.shape);
    if (plan) {
      const out = outputArray(backend, sizeOf(plan.outShape));
      addon.binary(op, a, b, out, plan.mode, plan.inner);
      return floatTensor(backend, plan.outShape, out);
    }
    // Other broadcasts (a middle axis, both sides broadcast, …): strided reads.
    const strided = stridedPlan(inputs.a!.shape, inputs.b!.shape);
    if (strided.shape.length > 8) return cpuKernel(kernelName, args);
    const out = outputArray(backend, sizeOf(strided.outShape));
    addon.binaryStrided(op, a, b, out, strided.shape, strided.aStrides, strided.bStrides);
    return floatTensor(backend, strided.outShape, out);
  };
}

function unaryKernel(kernelName: string): NativeKernel {
  const op = UNARY_OPS[kernelName]!;
  return (args, addon) => {
    const { backend, inputs } = args;
    const x = floatValues(backend, inputs.x);
    if (!x) return cpuKernel(kernelName, args);
    const attrs = (args.attrs ?? {}) as Record<string, unknown>;
    const alpha = kernelName === 'Step' ? Number(attrs.alpha ?? 0) : Number(attrs.alpha ?? 0.2);
    const out = outputArray(backend, x.length);
    addon.unary(op, x, out, alpha);
    return floatTensor(backend, [...inputs.x!.shape], out);
  };
}

/** ClipByValue: min(max(x, clipValueMin), clipValueMax), NaN kept. */
function clipByValue(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const x = floatValues(backend, inputs.x);
  if (!x) return cpuKernel('ClipByValue', args);
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const out = outputArray(backend, x.length);
  addon.clip(x, out, Number(attrs.clipValueMin), Number(attrs.clipValueMax));
  return floatTensor(backend, [...inputs.x!.shape], out);
}

/** AddN: a running sum, each addition a same-shape native add. */
function addN(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend } = args;
  const tensors = (args.inputs as unknown as TensorInfo[]).filter((t) => t != null);
  const values = tensors.map((t) => floatValues(backend, t));
  const shape = tensors[0]?.shape;
  const same = shape != null && tensors.every((t) => t.shape.join() === shape.join());
  if (!same || values.some((v) => v == null) || tensors.length < 2) return cpuKernel('AddN', args);
  const out = outputArray(backend, values[0]!.length);
  addon.binary(0, values[0]!, values[1]!, out, 0, 1);
  for (let i = 2; i < values.length; i++) addon.binary(0, out, values[i]!, out, 0, 1);
  return floatTensor(backend, [...shape], out);
}

/** FusedBatchNorm: x …×C; mean, variance, offset, scale of C values (or one). */
function fusedBatchNorm(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const x = floatValues(backend, inputs.x);
  const parts = [inputs.mean, inputs.variance, inputs.offset, inputs.scale];
  const values = parts.map((t) => (t == null ? null : floatValues(backend, t)));
  const lengths = values.filter((v): v is Float32Array => v != null).map((v) => v.length);
  const channels = Math.max(1, ...lengths);
  const consistent =
    x != null &&
    values[0] != null &&
    values[1] != null &&
    parts.every((t, i) => t == null || values[i] != null) &&
    lengths.every((n) => n === 1 || n === channels) &&
    x.length % channels === 0;
  if (!consistent) return cpuKernel('FusedBatchNorm', args);
  const out = outputArray(backend, x.length);
  addon.batchNorm(x, values[0]!, values[1]!, values[2], values[3], out, Number(attrs.varianceEpsilon ?? 0.001));
  return floatTensor(backend, [...inputs.x!.shape], out);
}

/** tfjs comparison kernel name → the addon's compare op code (bool output). */
export const COMPARE_OPS: Record<string, number> = {
  Greater: 0,
  GreaterEqual: 1,
  Less: 2,
  LessEqual: 3,
  Equal: 4,
  NotEqual: 5,
};

/** A comparison of float32 tensors, any broadcast, into a bool tensor (one byte each). */
function compareKernel(kernelName: string): NativeKernel {
  const op = COMPARE_OPS[kernelName]!;
  return (args, addon) => {
    const { backend, inputs } = args;
    const a = floatValues(backend, inputs.a);
    const b = floatValues(backend, inputs.b);
    if (!a || !b) return cpuKernel(kernelName, args);
    const plan = stridedPlan(inputs.a!.shape, inputs.b!.shape);
    if (plan.shape.length > 8) return cpuKernel(kernelName, args);
    const out = new Uint8Array(sizeOf(plan.outShape));
    addon.compare(op, a, b, out, plan.shape, plan.aStrides, plan.bStrides);
    return backend.makeTensorInfo(plan.outShape, 'bool', out);
  };
}

/** Every element-wise kernel this package makes native, by tfjs kernel name. */
export function elementwiseKernels(): Record<string, NativeKernel> {
  const kernels: Record<string, NativeKernel> = { AddN: addN, FusedBatchNorm: fusedBatchNorm, ClipByValue: clipByValue };
  for (const name of Object.keys(BINARY_OPS)) kernels[name] = binaryKernel(name);
  for (const name of Object.keys(UNARY_OPS)) kernels[name] = unaryKernel(name);
  for (const name of Object.keys(COMPARE_OPS)) kernels[name] = compareKernel(name);
  return kernels;
}
