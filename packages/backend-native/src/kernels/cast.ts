// Cast (float32, int32, bool; the addon converts) and Fill (a constant tensor). Unlike the cpu
// Cast, int32 → float32 makes a Float32Array: the cpu kernel keeps the Int32Array under the
// float32 dtype, which every native float kernel after it would refuse (face-api casts its
// int32 input image so, before the first resize).
import type { DataType, TensorInfo } from '@tensorflow/tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.js';
import { cpuKernel, outputArray, sizeOf, type NativeKernelArgs } from './util.js';

const CODES: Partial<Record<DataType, number>> = { float32: 0, int32: 1, bool: 2 };

/** A fresh array for `length` values of `dtype` (float32 from the backend's pool). */
function arrayFor(backend: MathBackendCPU, dtype: DataType, length: number): Float32Array | Int32Array | Uint8Array {
  if (dtype === 'float32') return outputArray(backend, length);
  return dtype === 'int32' ? new Int32Array(length) : new Uint8Array(length);
}

export function cast(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const x = inputs.x!;
  const dtype = ((args.attrs ?? {}) as Record<string, unknown>).dtype as DataType;
  const values = backend.data.get(x.dataId)?.values;
  // The array type decides the codes: int32 data may sit in a Float32Array (cpu OneHot) and
  // bool-from-int32 casts in a Uint8Array.
  const from = values instanceof Float32Array ? 0 : values instanceof Int32Array ? 1 : values instanceof Uint8Array ? 2 : undefined;
  const to = CODES[dtype];
  if (from === undefined || to === undefined || CODES[x.dtype] === undefined) return cpuKernel('Cast', args);
  if (from === to) {
    // The data already has the target's array type (e.g. int32 values the cpu Cast left in an Int32Array under float32).
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype };
  }
  const out = arrayFor(backend, dtype, sizeOf(x.shape));
  if (out.length > 0) addon.cast(values as Float32Array, out, from, to);
  return backend.makeTensorInfo(x.shape, dtype, out);
}

export function fill(args: NativeKernelArgs, _addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend } = args;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const shape = attrs.shape as number[];
  const dtype = (attrs.dtype as DataType | undefined) ?? 'float32';
  if (CODES[dtype] === undefined || typeof attrs.value !== 'number') return cpuKernel('Fill', args);
  const out = arrayFor(backend, dtype, sizeOf(shape));
  out.fill(attrs.value);
  return backend.makeTensorInfo(shape, dtype, out);
}
