// Conv2D, FusedConv2D, Conv2DBackpropInput and Conv2DBackpropFilter on oneDNN. Shapes follow
// tfjs: x B×H×W×C (NHWC), filter KH×KW×C×OC (HWIO), output B×OH×OW×OC. Anything the addon
// does not cover (NCHW, prelu, a padding oneDNN cannot express) runs the `cpu` kernel.
import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import type { NativeAddon } from '../addon.js';
import { activationCode, contentId, cpuKernel, floatTensor, floatValues, outputArray, sizeOf, type NativeKernelArgs } from './util.js';

type Conv2DInfo = backend_util.Conv2DInfo;

/**
 * The addon's 17 conv dims: N, H, W, C, KH, KW, OC, OH, OW, strideH, strideW, dilationH,
 * dilationW, padTop, padLeft, padBottom, padRight — or null when oneDNN's output-size rule
 * ((in + padL + padR − dilatedKernel) / stride + 1, floored) does not give tfjs's output size.
 */
export function convDims(info: Conv2DInfo): Int32Array | null {
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
    p.top, p.left, p.bottom, p.right,
  ]);
}

function forwardInfo(args: NativeKernelArgs): Conv2DInfo {
  const { x, filter } = args.inputs;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  return backend_util.computeConv2DInfo(
    x!.shape as [number, number, number, number],
    filter!.shape as [number, number, number, number],
    attrs.strides as [number, number],
    attrs.dilations as [number, number],
    attrs.pad as 'same',
    attrs.dimRoundingMode as 'floor' | undefined,
    false,
    backend_util.convertConv2DDataFormat((attrs.dataFormat as 'NHWC' | 'NCHW') ?? 'NHWC'),
  );
}

/** Conv2D and FusedConv2D (bias of OC values and the activation applied in the same pass). */
function convolve(kernelName: string, args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const x = floatValues(backend, inputs.x);
  const filter = floatValues(backend, inputs.filter);
  const activation = activationCode(attrs.activation);
  const bias = inputs.bias == null ? null : floatValues(backend, inputs.bias);
  const info = forwardInfo(args);
  const dims = convDims(info);
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

/** dx B×H×W×C from dy B×OH×OW×OC and the filter. */
export function conv2DBackpropInput(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const dy = floatValues(backend, inputs.dy);
  const filter = floatValues(backend, inputs.filter);
  const info = backend_util.computeConv2DInfo(
    attrs.inputShape as [number, number, number, number],
    inputs.filter!.shape as [number, number, number, number],
    attrs.strides as [number, number],
    1,
    attrs.pad as 'same',
    attrs.dimRoundingMode as 'floor' | undefined,
    false,
    backend_util.convertConv2DDataFormat((attrs.dataFormat as 'NHWC' | 'NCHW') ?? 'NHWC'),
  );
  const dims = convDims(info);
  if (!dy || !filter || !dims) return cpuKernel('Conv2DBackpropInput', args);
  const shape = [info.batchSize, info.inHeight, info.inWidth, info.inChannels];
  const dx = outputArray(backend, sizeOf(shape));
  addon.conv2dBackpropInput(dy, filter, dx, dims, contentId(inputs.filter!));
  return floatTensor(backend, shape, dx);
}

/** dw KH×KW×C×OC from x B×H×W×C and dy B×OH×OW×OC. */
export function conv2DBackpropFilter(args: NativeKernelArgs, addon: NativeAddon): TensorInfo | TensorInfo[] {
  const { backend, inputs } = args;
  const attrs = (args.attrs ?? {}) as Record<string, unknown>;
  const x = floatValues(backend, inputs.x);
  const dy = floatValues(backend, inputs.dy);
  const filterShape = attrs.filterShape as [number, number, number, number];
  const info = backend_util.computeConv2DInfo(
    inputs.x!.shape as [number, number, number, number],
    filterShape,
    attrs.strides as [number, number],
    1,
    attrs.pad as 'same',
    attrs.dimRoundingMode as 'floor' | undefined,
    false,
    backend_util.convertConv2DDataFormat((attrs.dataFormat as 'NHWC' | 'NCHW') ?? 'NHWC'),
  );
  const dims = convDims(info);
  if (!x || !dy || !dims) return cpuKernel('Conv2DBackpropFilter', args);
  const dw = outputArray(backend, sizeOf(filterShape));
  addon.conv2dBackpropFilter(x, dy, dw, dims);
  return floatTensor(backend, [...filterShape], dw);
}
