// Helpers shared by the native kernels: reading a tensor's typed array in place, making an
// output tensor around a fresh Float32Array, and falling back to the `cpu` kernel.
import { getKernel, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.js';

/** What every native kernel function receives (tfjs's kernel arguments, typed for us). */
export interface NativeKernelArgs {
  inputs: Record<string, TensorInfo | undefined>;
  backend: MathBackendCPU;
  attrs?: NamedAttrMap;
}

export type NativeKernel = (args: NativeKernelArgs, addon: NativeAddon) => TensorInfo | TensorInfo[];

/** The Float32Array holding `t` (not a copy), or null when `t` is not float32 data. */
export function floatValues(backend: MathBackendCPU, t: TensorInfo | undefined): Float32Array | null {
  if (t == null || t.dtype !== 'float32') return null;
  const values = backend.data.get(t.dataId)?.values;
  return values instanceof Float32Array ? values : null;
}

/**
 * A Float32Array of `length` elements for a kernel's output, from the backend's buffer pool
 * when it has one (contents undefined: the kernel must write every element).
 */
export function outputArray(backend: MathBackendCPU, length: number): Float32Array {
  const pool = (backend as { pool?: { take(length: number): Float32Array } }).pool;
  return pool ? pool.take(length) : new Float32Array(length);
}

/** A float32 tensor of `shape` owning `values` (no copy). */
export function floatTensor(backend: MathBackendCPU, shape: number[], values: Float32Array): TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', values);
}

const contentIds = new WeakMap<object, number>();
let lastContentId = 0;

/**
 * A number naming `t`'s contents, never given to other contents: tfjs data behind a dataId
 * never changes (an assign gives the variable a new dataId), so the addon may cache work
 * derived from it (the convolution's reordered filter) under this id.
 */
export function contentId(t: TensorInfo): number {
  let id = contentIds.get(t.dataId);
  if (id === undefined) contentIds.set(t.dataId, (id = ++lastContentId));
  return id;
}

/** Runs the `cpu` backend's kernel for `kernelName` on the same arguments. */
export function cpuKernel(kernelName: string, args: NativeKernelArgs): TensorInfo | TensorInfo[] {
  const config = getKernel(kernelName, 'cpu');
  if (config == null) {
    throw new Error(`@g2rl/backend-native: no cpu kernel '${kernelName}' to fall back to`);
  }
  return (config.kernelFunc as KernelFunc)(args as unknown as Parameters<KernelFunc>[0]);
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Activation names of tfjs's fused ops → the addon's codes; undefined = not native. */
export function activationCode(activation: unknown): number | undefined {
  switch (activation ?? 'linear') {
    case 'linear':
      return 0;
    case 'relu':
      return 1;
    case 'relu6':
      return 2;
    case 'leakyrelu':
      return 3;
    case 'elu':
      return 4;
    case 'sigmoid':
      return 5;
    default:
      return undefined; // prelu: per-element weights, left to the cpu kernel
  }
}
