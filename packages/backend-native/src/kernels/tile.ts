// Tile (x of any shape up to rank 8, repeated `reps` times per axis), float32, int32 and bool
// (copied as bytes). The batch-norm gradient of tfjs tiles a per-channel vector 1×1×1×C to
// B×H×W×C, and `tf.where` tiles a bool mask over the batch; the cpu kernel walks both an
// element at a time.
import type { TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon.js';
import { cpuKernel, outputArray, sizeOf, type NativeKernelArgs } from './util.js';

export function tile(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const reps = ((args.attrs ?? {}) as Record<string, unknown>).reps as number[];
  const x = inputs.x!;
  const values = backend.data.get(x.dataId)?.values;
  const shape = x.shape;
  const supported =
    (x.dtype === 'float32' && values instanceof Float32Array) ||
    (x.dtype === 'int32' && (values instanceof Int32Array || values instanceof Float32Array)) ||
    (x.dtype === 'bool' && values instanceof Uint8Array);
  if (!supported || shape.length === 0 || shape.length > 8 || reps.length !== shape.length) return cpuKernel('Tile', args);
  const outShape = shape.map((d, i) => d * reps[i]!);
  const size = sizeOf(outShape);
  // int32 data may sit in a Float32Array (cpu OneHot); the output keeps that array type
  const out =
    values instanceof Float32Array ? outputArray(backend, size) : values instanceof Int32Array ? new Int32Array(size) : new Uint8Array(size);
  addon.tile(values as Float32Array, out as Float32Array, Int32Array.from(shape), Int32Array.from(reps));
  return backend.makeTensorInfo(outShape, x.dtype, out);
}
