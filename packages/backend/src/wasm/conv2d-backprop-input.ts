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
import {
  interleavePhases,
  phaseFilter,
  phaseWindow,
  planAxis,
  scatterPhase,
  singlePhaseFilter,
  type AxisPhasePlan,
  type PhaseWindow,
} from './phase-plan.js';

/** Combined-filter work over exact work above which phases run as separate convolutions. */
const SEPARATE_PHASES_ABOVE = 1.3;

/**
 * At stride > 1 the combined phase filter multiplies by zeros (16/9 of the work for 3×3 at
 * stride 2). Running each phase as its own exact-size convolution and scattering its
 * pixels into dx costs s² convolution calls and one copy per dx pixel, and wins when the
 * zeros are many. Returns null to let the combined path run instead.
 */
function separatePhases(
  args: { inputs: { dy: TensorInfo; filter: TensorInfo }; backend: BackendWasm },
  rows: AxisPhasePlan,
  cols: AxisPhasePlan,
  info: backend_util.Conv2DInfo,
): TensorInfo | null {
  const { inputs: { dy, filter }, backend } = args;
  const stride = rows.taps.length;
  // Scattering copies C_in values per dx pixel: below 8 the copies cost more than the zeros.
  if (info.inChannels < 8) return null;
  const windowsH = rows.live.map((r) => phaseWindow(rows, r, info.inHeight, info.outHeight));
  const windowsW = cols.live.map((r) => phaseWindow(cols, r, info.inWidth, info.outWidth));
  if (windowsH.includes(null) || windowsW.includes(null)) return null;
  const sumLength = (ws: (PhaseWindow | null)[]) => ws.reduce((a, w) => a + w!.length, 0);
  const exactWork = sumLength(windowsH) * sumLength(windowsW);
  const combinedWork = rows.windowLength * cols.windowLength * rows.live.length * cols.live.length;
  if (combinedWork < SEPARATE_PHASES_ABOVE * exactWork) return null;

  const { batchSize, inHeight, inWidth, inChannels, outChannels, filterHeight, filterWidth } = info;
  const dx = backend.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
  if (rows.live.length < stride || cols.live.length < stride) {
    const heap = heapF32(backend);
    const start = heapIndex(backend, dx);
    heap.fill(0, start, start + batchSize * inHeight * inWidth * inChannels);
  }
  rows.live.forEach((rh, i) => {
    const wh = windowsH[i]!;
    cols.live.forEach((rw, j) => {
      const ww = windowsW[j]!;
      const w = backend.makeOutput([wh.length, ww.length, outChannels, inChannels], 'float32');
      const heap = heapF32(backend);
      const fOff = heapIndex(backend, filter);
      const wOff = heapIndex(backend, w);
      singlePhaseFilter(
        heap.subarray(fOff, fOff + filterHeight * filterWidth * inChannels * outChannels),
        [filterHeight, filterWidth, inChannels, outChannels],
        rows, rh, wh, cols, rw, ww,
        heap.subarray(wOff, wOff + wh.length * ww.length * outChannels * inChannels),
      );
      const phase = callWasmKernel('Conv2D', backend, { x: dy, filter: w }, {
        strides: [1, 1],
        pad: [[0, 0], [wh.padBefore, wh.padAfter], [ww.padBefore, ww.padAfter], [0, 0]],
        dataFormat: 'NHWC',
        dilations: [1, 1],
      } as never);
      release(backend, w);
      scatterPhase(
        heapF32(backend), heapIndex(backend, phase), phase.shape as [number, number, number, number],
        stride, rh, rw, wh.count, ww.count, [inHeight, inWidth, inChannels], heapIndex(backend, dx),
      );
      release(backend, phase);
    });
  });
  return dx;
}

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
  if (stride > 1) {
    const exact = separatePhases(args, rows, cols, info);
    if (exact != null) return exact;
  }

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
