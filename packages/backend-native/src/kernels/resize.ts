// ResizeNearestNeighbor (images B×H×W×C → B×newH×newW×C) and its gradient, with tfjs's
// alignCorners / halfPixelCenters index rules.
import type { TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon.js';
import { cpuKernel, floatTensor, floatValues, outputArray, sizeOf, type NativeKernelArgs } from './util.js';

export function resizeNearestNeighbor(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const x = floatValues(backend, inputs.images);
  const [newHeight, newWidth] = attrs.size as [number, number];
  const shape = inputs.images!.shape;
  if (!x || shape.length !== 4) return cpuKernel('ResizeNearestNeighbor', args);
  const [batch, height, width, channels] = shape as [number, number, number, number];
  const outShape = [batch, newHeight, newWidth, channels];
  const out = outputArray(backend, sizeOf(outShape));
  const dims = Int32Array.from([batch, height, width, channels, newHeight, newWidth]);
  addon.resizeNearest(x, out, dims, Boolean(attrs.alignCorners), Boolean(attrs.halfPixelCenters));
  return floatTensor(backend, outShape, out);
}

export function resizeNearestNeighborGrad(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const dy = floatValues(backend, inputs.dy);
  const imagesShape = inputs.images!.shape;
  if (!dy || imagesShape.length !== 4 || inputs.images!.dtype !== 'float32') {
    return cpuKernel('ResizeNearestNeighborGrad', args);
  }
  const [batch, xHeight, xWidth, channels] = imagesShape as [number, number, number, number];
  const [, yHeight, yWidth] = inputs.dy!.shape as [number, number, number, number];
  const dx = outputArray(backend, sizeOf(imagesShape));
  const dims = Int32Array.from([batch, xHeight, xWidth, channels, yHeight, yWidth]);
  addon.resizeNearestGrad(dy, dx, dims, Boolean(attrs.alignCorners));
  return floatTensor(backend, [...imagesShape], dx);
}
