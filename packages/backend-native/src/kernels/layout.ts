// Transpose, Slice and SplitV as one strided native copy each (float32 and int32, copied as
// bits). The JS cpu kernels walk such copies an element at a time through index arithmetic
// (e.g. the geometry encoder's B×N×N adjacency transposes and its concat gradient's SplitV).
// A contiguous Slice stays on the cpu kernel: it returns a view, which is cheaper still.
import { backend_util, slice_util, util, type TensorInfo } from '@tensorflow/tfjs';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.js';
import { cpuKernel, outputArray, sizeOf, type NativeKernelArgs } from './util.js';

/**
 * A float32 or int32 tensor's data as a Float32Array over the same bytes, and a maker of
 * outputs stored the same way (int32 data may sit in an Int32Array or, from the cpu OneHot
 * kernel, in a Float32Array of integral values: the bits copied keep their meaning only if
 * the output is of the input's array type).
 */
export function bits(backend: MathBackendCPU, t: TensorInfo | undefined) {
  if (t == null || (t.dtype !== 'float32' && t.dtype !== 'int32')) return null;
  const values = backend.data.get(t.dataId)?.values;
  if (values instanceof Float32Array) {
    return { view: values, output: (length: number) => { const out = outputArray(backend, length); return { values: out, view: out }; } };
  }
  if (values instanceof Int32Array) {
    return {
      view: new Float32Array(values.buffer, values.byteOffset, values.length),
      output: (length: number) => { const out = new Int32Array(length); return { values: out, view: new Float32Array(out.buffer) }; },
    };
  }
  return null;
}

export type Bits = NonNullable<ReturnType<typeof bits>>;

export function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d]!;
  }
  return strides;
}

/** out = x[begin : begin + size] along every axis, copied. */
export function copySlice(backend: MathBackendCPU, addon: NativeAddon, x: TensorInfo, xBits: Bits, begin: number[], size: number[]): TensorInfo {
  const strides = rowMajorStrides(x.shape);
  const offset = begin.reduce((sum, b, d) => sum + b * strides[d]!, 0);
  const out = xBits.output(sizeOf(size));
  if (out.values.length > 0) addon.copyStrided(xBits.view, out.view, Int32Array.from(size), Int32Array.from(strides), offset);
  return backend.makeTensorInfo(size, x.dtype, out.values);
}

export function transpose(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const x = inputs.x!;
  const perm = ((args.attrs ?? {}) as Record<string, unknown>).perm as number[];
  const xBits = bits(backend, x);
  if (!xBits || x.shape.length === 0 || x.shape.length > 8) return cpuKernel('Transpose', args);
  const strides = rowMajorStrides(x.shape);
  const outShape = perm.map((p) => x.shape[p]!);
  const out = xBits.output(sizeOf(outShape));
  if (out.values.length > 0) {
    addon.copyStrided(xBits.view, out.view, Int32Array.from(outShape), Int32Array.from(perm, (p) => strides[p]!), 0);
  }
  return backend.makeTensorInfo(outShape, x.dtype, out.values);
}

export function slice(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const x = inputs.x!;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const xBits = bits(backend, x);
  if (!xBits || x.shape.length === 0 || x.shape.length > 8) return cpuKernel('Slice', args);
  const [begin, size] = slice_util.parseSliceParams(x, attrs.begin as number[], attrs.size as number[]);
  slice_util.assertParamsValid(x, begin, size);
  if (slice_util.isSliceContinous(x.shape, begin, size)) return cpuKernel('Slice', args);
  return copySlice(backend, addon, x, xBits, begin, size);
}

export function splitV(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const x = inputs.x!;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const xBits = bits(backend, x);
  if (!xBits || x.shape.length === 0 || x.shape.length > 8) return cpuKernel('SplitV', args);
  const axis = util.parseAxisParam(attrs.axis as number, x.shape)[0]!;
  const sizes = backend_util.prepareSplitSize(x, attrs.numOrSizeSplits as number[] | number, axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const part = copySlice(backend, addon, x, xBits, [...begin], size);
    begin[axis] += s;
    return part;
  });
}
