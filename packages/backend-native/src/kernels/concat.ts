// Concat, Pack and Unpack as whole-row native copies (any element size: float32, int32, bool).
// Concat along `axis` sees every input as outer × (its dims from `axis` on) rows and the
// output row r as the inputs' rows r side by side; Pack is Concat of inputs with a new axis of
// size 1; Unpack is one strided copy per slice along `axis`.
import { backend_util, util, type TensorInfo } from '@tensorflow/tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.js';
import { bits, copySlice } from './layout.js';
import { cpuKernel, outputArray, sizeOf, type NativeKernelArgs } from './util.js';

type Values = Float32Array | Int32Array | Uint8Array;

/** The typed array behind `t` when it is float32, int32 or bool data, else null. */
function arrayOf(backend: MathBackendCPU, t: TensorInfo): Values | null {
  if (t.dtype !== 'float32' && t.dtype !== 'int32' && t.dtype !== 'bool') return null;
  const values = backend.data.get(t.dataId)?.values;
  return values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array ? values : null;
}

/** A fresh output array like `like` (Float32Arrays from the backend's pool). */
function arrayLike(backend: MathBackendCPU, like: Values, length: number): Values {
  if (like instanceof Float32Array) return outputArray(backend, length);
  return like instanceof Int32Array ? new Int32Array(length) : new Uint8Array(length);
}

/**
 * Concatenates tensors of one dtype and array type along `axis` (their shapes equal except
 * there); null when the arrays differ in type (int32 data may sit in a Float32Array).
 */
function concatenate(backend: MathBackendCPU, addon: NativeAddon, tensors: TensorInfo[], shapes: number[][], axis: number): TensorInfo | null {
  const arrays = tensors.map((t) => arrayOf(backend, t));
  const first = arrays[0];
  if (!first || arrays.some((a) => a == null || a.constructor !== first.constructor)) return null;
  const outShape = backend_util.computeOutShape(shapes, axis);
  const outer = sizeOf(outShape.slice(0, axis));
  const out = arrayLike(backend, first, sizeOf(outShape));
  if (out.length > 0) {
    const rowBytes = Int32Array.from(shapes, (shape) => sizeOf(shape.slice(axis)) * first.BYTES_PER_ELEMENT);
    addon.concat(arrays as Values[], out, outer, rowBytes);
  }
  return backend.makeTensorInfo(outShape, tensors[0]!.dtype, out);
}

export function concat(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend } = args;
  const tensors = Object.values(args.inputs) as TensorInfo[];
  const axis = util.parseAxisParam(((args.attrs ?? {}) as Record<string, unknown>).axis as number, tensors[0]!.shape)[0]!;
  const shapes = tensors.map((t) => t.shape);
  backend_util.assertParamsConsistent(shapes, axis);
  const result = tensors.length > 0 && tensors[0]!.shape.length > 0 ? concatenate(backend, addon, tensors, shapes, axis) : null;
  return result ?? cpuKernel('Concat', args);
}

export function pack(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend } = args;
  const tensors = Object.values(args.inputs) as TensorInfo[];
  const axis = ((args.attrs ?? {}) as Record<string, unknown>).axis as number;
  if (tensors.length === 0) return cpuKernel('Pack', args);
  const shape = tensors[0]!.shape;
  const at = axis < 0 ? axis + shape.length + 1 : axis;
  if (tensors.some((t) => t.dtype !== tensors[0]!.dtype || !util.arraysEqual(t.shape, shape))) {
    throw new Error('@g2rl/backend-native Pack: every input must have the same shape and dtype');
  }
  const expanded = [...shape.slice(0, at), 1, ...shape.slice(at)];
  return concatenate(backend, addon, tensors, tensors.map(() => expanded), at) ?? cpuKernel('Pack', args);
}

export function unpack(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const x = inputs.value!;
  const xBits = bits(backend, x);
  const rank = x.shape.length;
  if (!xBits || rank === 0 || rank > 8) return cpuKernel('Unpack', args);
  const axis = util.parseAxisParam(((args.attrs ?? {}) as Record<string, unknown>).axis as number, x.shape)[0]!;
  const size = [...x.shape];
  size[axis] = 1;
  const outShape = x.shape.filter((_, d) => d !== axis);
  return Array.from({ length: x.shape[axis]! }, (_, i) => {
    const begin = new Array<number>(rank).fill(0);
    begin[axis] = i;
    const part = copySlice(backend, addon, x, xBits, begin, size);
    return { ...part, shape: outShape };
  });
}
