// Conv2DBackpropInput for wasm as one XNNPACK forward convolution + a phase interleave
// (see phase-plan.ts). tfjs-backend-wasm 4.22's own kernel is a scalar C++ loop,
// about 10× slower than its forward Conv2D on the same shapes.
import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { callWasmKernel, heapF32, heapIndex, release } from './kernel-calls.js';
import { interleavePhases, phaseFilter, planAxis } from './phase-plan.js';

/**
 * dx `B×H×W×C_in` from dy `B×OH×OW×C_out` and filter `KH×KW×C_in×C_out` (NHWC only).
 * Falls back to `fallback` (wasm's built-in kernel) for unequal row and column strides.
 */
export function conv2dBackpropInputWasm(
  args: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: BackendWasm; attrs: Conv2DBackpropInputAttrs },
  fallback?: KernelFunc,
): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const { inputShape, strides, pad, dataFormat, dimRoundingMode } = attrs;
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  if (format !== 'channelsLast') {
    throw new Error(`Conv2DBackpropInput (wasm): dataFormat '${dataFormat}' is not supported; use 'NHWC'`);
  }
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    throw new Error(`Conv2DBackpropInput (wasm): float32 only, got dy ${dy.dtype}, filter ${filter.dtype}`);
  }
  const info = backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    strides, 1, pad, dimRoundingMode, false, format,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  if (strideHeight !== strideWidth || info.padInfo.top >= filterHeight || info.padInfo.left >= filterWidth) {
    if (fallback == null) throw new Error('Conv2DBackpropInput (wasm): unsupported strides/padding and no fallback');
    return fallback(args as never) as TensorInfo;
  }
  const stride = strideHeight;
  const rows = planAxis(inHeight, outHeight, filterHeight, stride, info.padInfo.top);
  const cols = planAxis(inWidth, outWidth, filterWidth, stride, info.padInfo.left);
  const phaseChannels = rows.live.length * cols.live.length * inChannels;

  const phaseW = backend.makeOutput(
    [rows.windowLength, cols.windowLength, outChannels, phaseChannels], 'float32');
  const heap = heapF32(backend);
  const fOff = heapIndex(backend, filter);
  const wOff = heapIndex(backend, phaseW);
  phaseFilter(
    heap.subarray(fOff, fOff + filterHeight * filterWidth * inChannels * outChannels),
    [filterHeight, filterWidth, inChannels, outChannels],
    rows, cols,
    heap.subarray(wOff, wOff + rows.windowLength * cols.windowLength * outChannels * phaseChannels),
  );
  const phases = callWasmKernel('Conv2D', backend, { x: dy, filter: phaseW }, {
    strides: [1, 1],
    pad: [[0, 0], [rows.padBefore, rows.padAfter], [cols.padBefore, cols.padAfter], [0, 0]],
    dataFormat: 'NHWC',
    dilations: [1, 1],
  } as never);
  release(backend, phaseW);
  if (stride === 1 && phases.shape[1] === inHeight && phases.shape[2] === inWidth) return phases;
  const dx = backend.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
  interleavePhases(
    heapF32(backend), heapIndex(backend, phases),
    phases.shape as [number, number, number, number], stride,
    [inHeight, inWidth, inChannels], heapIndex(backend, dx), rows.live, cols.live,
  );
  release(backend, phases);
  return dx;
}

/** Kernel config that replaces wasm's Conv2DBackpropInput; `original` is kept as fallback. */
export function conv2dBackpropInputConfig(original?: KernelConfig): KernelConfig {
  const fallback = original?.kernelFunc;
  return {
    kernelName: Conv2DBackpropInput,
    backendName: 'wasm',
    setupFunc: original?.setupFunc,
    kernelFunc: ((args: never) => conv2dBackpropInputWasm(args, fallback)) as KernelFunc,
  };
}
