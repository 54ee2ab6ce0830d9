// MaxPool and AvgPool (x B×H×W×C → B×OH×OW×C) on oneDNN; the average counts only the window's
// pixels inside the image, as tfjs does. Dilated pools and paddings oneDNN's output-size rule
// cannot express run the `cpu` kernel.
import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon.js';
import { cpuKernel, floatTensor, floatValues, outputArray, sizeOf, type NativeKernelArgs } from './util.js';

/**
 * The addon's 15 pool dims: N, H, W, C, KH, KW, OH, OW, strideH, strideW, padTop, padLeft,
 * padBottom, padRight, dilation − 1; null when oneDNN's floor rule does not give tfjs's size.
 */
export function poolDims(info: backend_util.Conv2DInfo): Int32Array | null {
  const p = info.padInfo;
  const fits = (input: number, pad0: number, pad1: number, kernel: number, stride: number, out: number) =>
    pad0 >= 0 && pad1 >= 0 && Math.floor((input + pad0 + pad1 - kernel) / stride) + 1 === out;
  if (
    info.dilationHeight !== 1 || info.dilationWidth !== 1 ||
    !fits(info.inHeight, p.top, p.bottom, info.filterHeight, info.strideHeight, info.outHeight) ||
    !fits(info.inWidth, p.left, p.right, info.filterWidth, info.strideWidth, info.outWidth)
  ) {
    return null;
  }
  return Int32Array.from([
    info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.filterHeight, info.filterWidth,
    info.outHeight, info.outWidth, info.strideHeight, info.strideWidth, p.top, p.left, p.bottom, p.right, 0,
  ]);
}

function pool(kernelName: 'MaxPool' | 'AvgPool', args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const x = floatValues(backend, inputs.x);
  if (!x || inputs.x!.shape.length !== 4) return cpuKernel(kernelName, args);
  const info = backend_util.computePool2DInfo(
    inputs.x!.shape as [number, number, number, number],
    attrs.filterSize as [number, number],
    attrs.strides as [number, number],
    1,
    attrs.pad as 'same',
    attrs.dimRoundingMode as 'floor' | undefined,
  );
  const dims = poolDims(info);
  if (!dims) return cpuKernel(kernelName, args);
  const shape = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
  const out = outputArray(backend, sizeOf(shape));
  if (out.length > 0) addon.pool2d(x, out, dims, kernelName === 'AvgPool');
  return floatTensor(backend, shape, out);
}

export function maxPool(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  return pool('MaxPool', args, addon);
}

export function avgPool(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  return pool('AvgPool', args, addon);
}
