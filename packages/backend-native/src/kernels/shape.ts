// Reshape, ExpandDims and Identity move no data on any backend: the output is the input's data under a
// new shape (one more reference to it), exactly what the cpu backend does, registered here so
// that the native backend runs none of the cpu backend's kernels for them.
import { util, type TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon.js';
import { cpuKernel, sizeOf, type NativeKernelArgs } from './util.js';

/** x's data under `shape` (one −1 is inferred), or the cpu kernel for complex tensors. */
function sameData(kernelName: string, args: NativeKernelArgs, shape: number[]): TensorInfo | TensorInfo[] {
  const { backend } = args;
  const x = Object.values(args.inputs)[0]!;
  if (x.dtype === 'complex64') return cpuKernel(kernelName, args);
  const size = sizeOf(x.shape);
  const target = util.inferFromImplicitShape(shape, size);
  if (sizeOf(target) !== size) {
    throw new Error(`@g2rl/backend-native ${kernelName}: cannot give a tensor of shape [${x.shape}] (${size} elements) the shape [${shape}]`);
  }
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: target, dtype: x.dtype };
}

export function reshape(args: NativeKernelArgs, _addon: NativeAddon): TensorInfo | TensorInfo[] {
  return sameData('Reshape', args, [...(((args.attrs ?? {}) as Record<string, unknown>).shape as number[])]);
}

export function identity(args: NativeKernelArgs, _addon: NativeAddon): TensorInfo | TensorInfo[] {
  return sameData('Identity', args, [...Object.values(args.inputs)[0]!.shape]);
}

export function expandDims(args: NativeKernelArgs, _addon: NativeAddon): TensorInfo | TensorInfo[] {
  const x = args.inputs.input!;
  const dim = ((args.attrs ?? {}) as Record<string, unknown>).dim as number;
  const rank = x.shape.length;
  if (!(dim >= -(rank + 1) && dim <= rank)) throw new Error(`@g2rl/backend-native ExpandDims: dim must be in [${-(rank + 1)}, ${rank}], got ${dim}`);
  const at = dim < 0 ? rank + 1 + dim : dim;
  return sameData('ExpandDims', args, [...x.shape.slice(0, at), 1, ...x.shape.slice(at)]);
}
