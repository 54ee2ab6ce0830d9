// Conv2D, FusedConv2D, Conv2DBackpropInput and Conv2DBackpropFilter on oneDNN, and the
// depthwise ones (DepthwiseConv2dNative, FusedDepthwiseConv2D and both gradients) as oneDNN
// grouped convolutions with one group per input channel. Shapes follow tfjs: x B×H×W×C (NHWC),
// filter KH×KW×C×OC (HWIO; depthwise KH×KW×C×M, OC = C·M), output B×OH×OW×OC. Anything the
// addon does not cover (NCHW, prelu, a padding oneDNN cannot express) runs the `cpu` kernel.
import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon.js';
import { activationCode, contentId, cpuKernel, floatTensor, floatValues, outputArray, sizeOf, type NativeKernelArgs } from './util.js';

type Conv2DInfo = backend_util.Conv2DInfo;

/**
 * The addon's 18 conv dims: N, H, W, C, KH, KW, OC, OH, OW, strideH, strideW, dilationH,
 * dilationW, padTop, padLeft, padBottom, padRight, groups (1, or C for a depthwise info) — or
 * null when oneDNN's output-size rule ((in + padL + padR − dilatedKernel) / stride + 1,
 * floored) does not give tfjs's output size.
 */
export function convDims(info: Conv2DInfo, depthwise = false): Int32Array | null {
  const { padInfo: p } = info;
  const fits = (input: number, pad0: number, pad1: number, kernel: number, stride: number, out: number) =>
    pad0 >= 0 && pad1 >= 0 && Math.floor((input + pad0 + pad1 - kernel) / stride) + 1 === out;
  if (
    info.dataFormat !== 'channelsLast' ||
    !fits(info.inHeight, p.top, p.bottom, info.effectiveFilterHeight, info.strideHeight, info.outHeight) ||
    !fits(info.inWidth, p.left, p.right, info.effectiveFilterWidth, info.strideWidth, info.outWidth)
  ) {
    return null;
  }
  return Int32Array.from([
    info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.filterHeight, info.filterWidth, info.outChannels, info.outHeight, info.outWidth,
    info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
    p.top, p.left, p.bottom, p.right, depthwise ? info.inChannels : 1,
  ]);
}

type Shape4 = [number, number, number, number];

/** tfjs's geometry of a convolution of x (B×H×W×C) with a filter of `filterShape`. */
function convInfo(xShape: readonly number[], filterShape: readonly number[], attrs: Record<string, unknown>, depthwise: boolean): Conv2DInfo {
  return backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    attrs.strides as [number, number],
    (attrs.dilations as [number, number] | undefined) ?? 1,
    attrs.pad as 'same',
    attrs.dimRoundingMode as 'floor' | undefined,
    depthwise,
    backend_util.convertConv2DDataFormat((attrs.dataFormat as 'NHWC' | 'NCHW') ?? 'NHWC'),
  );
}

/** Conv2D, FusedConv2D and their depthwise kin (bias of OC values and the activation applied in the same pass). */
function convolve(kernelName: string, args: NativeKernelArgs, addon: NativeAddon, depthwise = false): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const x = floatValues(backend, inputs.x);
  const filter = floatValues(backend, inputs.filter);
  const activation = activationCode(attrs.activation);
  const bias = inputs.bias == null ? null : floatValues(backend, inputs.bias);
  const info = convInfo(inputs.x!.shape, inputs.filter!.shape, attrs, depthwise);
  const dims = convDims(info, depthwise);
  const biasOk = inputs.bias == null || (bias != null && bias.length === info.outChannels);
  if (!x || !filter || activation === undefined || !biasOk || !dims) return cpuKernel(kernelName, args);
  const shape = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
  const out = outputArray(backend, sizeOf(shape));
  addon.conv2d(x, filter, bias, out, dims, activation, Number(attrs.leakyreluAlpha ?? 0.2), contentId(inputs.filter!));
  return floatTensor(backend, shape, out);
}

export function conv2D(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  return convolve('Conv2D', args, addon);
}

export function fusedConv2D(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  return convolve('FusedConv2D', args, addon);
}

export function depthwiseConv2dNative(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  return convolve('DepthwiseConv2dNative', args, addon, true);
}

export function fusedDepthwiseConv2D(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  return convolve('FusedDepthwiseConv2D', args, addon, true);
}

/** dx B×H×W×C from dy B×OH×OW×OC and the filter (Conv2DBackpropInput or its depthwise kin). */
function backpropInput(kernelName: string, args: NativeKernelArgs, addon: NativeAddon, depthwise: boolean): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const dy = floatValues(backend, inputs.dy);
  const filter = floatValues(backend, inputs.filter);
  const info = convInfo(attrs.inputShape as number[], inputs.filter!.shape, attrs, depthwise);
  const dims = convDims(info, depthwise);
  if (!dy || !filter || !dims) return cpuKernel(kernelName, args);
  const shape = [info.batchSize, info.inHeight, info.inWidth, info.inChannels];
  const dx = outputArray(backend, sizeOf(shape));
  addon.conv2dBackpropInput(dy, filter, dx, dims, contentId(inputs.filter!));
  return floatTensor(backend, shape, dx);
}

export function conv2DBackpropInput(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  return backpropInput('Conv2DBackpropInput', args, addon, false);
}

export function depthwiseConv2dNativeBackpropInput(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  return backpropInput('DepthwiseConv2dNativeBackpropInput', args, addon, true);
}

/** dw KH×KW×C×OC (depthwise KH×KW×C×M) from x B×H×W×C and dy B×OH×OW×OC. */
function backpropFilter(kernelName: string, args: NativeKernelArgs, addon: NativeAddon, depthwise: boolean): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const x = floatValues(backend, inputs.x);
  const dy = floatValues(backend, inputs.dy);
  const filterShape = attrs.filterShape as Shape4;
  const info = convInfo(inputs.x!.shape, filterShape, attrs, depthwise);
  const dims = convDims(info, depthwise);
  if (!x || !dy || !dims) return cpuKernel(kernelName, args);
  const dw = outputArray(backend, sizeOf(filterShape));
  addon.conv2dBackpropFilter(x, dy, dw, dims);
  return floatTensor(backend, [...filterShape], dw);
}

export function conv2DBackpropFilter(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  return backpropFilter('Conv2DBackpropFilter', args, addon, false);
}

export function depthwiseConv2dNativeBackpropFilter(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  return backpropFilter('DepthwiseConv2dNativeBackpropFilter', args, addon, true);
}
