// ResizeNearestNeighbor (images B×H×W×C → B×newH×newW×C) and its gradient, and
// ResizeBilinear (float32 or int32 images, float32 out), with tfjs's alignCorners /
// halfPixelCenters index rules, and ResizeBilinearGrad.
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

export function resizeBilinear(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const images = inputs.images!;
  const values = backend.data.get(images.dataId)?.values;
  const [newHeight, newWidth] = attrs.size as [number, number];
  const numeric = images.dtype === 'float32' || images.dtype === 'int32';
  if (!numeric || !(values instanceof Float32Array || values instanceof Int32Array) || images.shape.length !== 4) {
    return cpuKernel('ResizeBilinear', args);
  }
  const [batch, height, width, channels] = images.shape as [number, number, number, number];
  const outShape = [batch, newHeight, newWidth, channels];
  const out = outputArray(backend, sizeOf(outShape));
  const dims = Int32Array.from([batch, height, width, channels, newHeight, newWidth]);
  if (out.length > 0) addon.resizeBilinear(values, out, dims, Boolean(attrs.alignCorners), Boolean(attrs.halfPixelCenters));
  return floatTensor(backend, outShape, out);
}

/**
 * ResizeBilinearGrad: dy B×newH×newW×C → dx B×H×W×C, the exact adjoint of the forward. (tfjs
 * 4.22's cpu kernel ignores halfPixelCenters and swaps H and W in its output shape.)
 */
export function resizeBilinearGrad(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const dy = floatValues(backend, inputs.dy);
  const imagesShape = inputs.images!.shape;
  if (!dy || imagesShape.length !== 4) return cpuKernel('ResizeBilinearGrad', args);
  const [batch, height, width, channels] = imagesShape as [number, number, number, number];
  const [, newHeight, newWidth] = inputs.dy!.shape as [number, number, number, number];
  const dx = outputArray(backend, sizeOf(imagesShape));
  const dims = Int32Array.from([batch, height, width, channels, newHeight, newWidth]);
  addon.resizeBilinearGrad(dy, dx, dims, Boolean(attrs.alignCorners), Boolean(attrs.halfPixelCenters));
  return floatTensor(backend, [...imagesShape], dx);
}
