// Conv2DBackpropFilter for wasm (tfjs-backend-wasm 4.22 has none, so training a conv net
// throws). dW (KH·KW·C_in × C_out) = colᵀ (KH·KW·C_in × P) · dy (P × C_out), P = B·OH·OW,
// with colᵀ the transposed im2col of x: one untransposed BatchMatMul (XNNPACK) whose
// result already has the filter's layout. A transposed operand is 10–50× slower there.
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { im2colTransposed, type ConvGeometry } from './im2col.js';
import { callWasmKernel, heapF32, heapIndex, release, viewAs } from './kernel-calls.js';
import { transpose2d } from './transpose2d.js';

/** Largest colᵀ buffer (float32 values) built at once; bigger batches go in chunks. */
let maxIm2colValues = 16 * 1024 * 1024;

/**
 * Sets the largest colᵀ buffer (in float32 values, default 16M = 64 MiB) that
 * Conv2DBackpropFilter builds at once; returns the previous limit. Lower it to bound
 * memory on big inputs (the batch is then processed in chunks of whole images).
 */
export function setMaxIm2colValues(values: number): number {
  if (!Number.isInteger(values) || values < 1) {
    throw new Error(`setMaxIm2colValues: values must be a positive integer, got ${values}`);
  }
  const previous = maxIm2colValues;
  maxIm2colValues = values;
  return previous;
}

/** dW `KH×KW×C_in×C_out` from x `B×H×W×C_in` and dy `B×OH×OW×C_out` (NHWC only). */
export function conv2dBackpropFilterWasm(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const format = backend_util.convertConv2DDataFormat(dataFormat);
  if (format !== 'channelsLast') {
    throw new Error(`Conv2DBackpropFilter (wasm): dataFormat '${dataFormat}' is not supported; use 'NHWC'`);
  }
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new Error(`Conv2DBackpropFilter (wasm): float32 only, got x ${x.dtype}, dy ${dy.dtype}`);
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides, 1, pad, dimRoundingMode, false, format,
  );
  const g: ConvGeometry = {
    inHeight: info.inHeight, inWidth: info.inWidth, inChannels: info.inChannels,
    outHeight: info.outHeight, outWidth: info.outWidth,
    filterHeight: info.filterHeight, filterWidth: info.filterWidth,
    strideHeight: info.strideHeight, strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight, dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top, padLeft: info.padInfo.left,
  };
  const B = info.batchSize;
  const Ci = info.inChannels;
  const Co = info.outChannels;
  const pixels = info.outHeight * info.outWidth;
  const rowLength = info.filterHeight * info.filterWidth * Ci;
  const inPixels = B * info.inHeight * info.inWidth;

  // xᵀ (C_in × B·H·W) once; a 1×1, stride-1, unpadded conv uses it as colᵀ directly.
  const xT = backend.makeOutput([Ci, inPixels], 'float32');
  let heap = heapF32(backend);
  transpose2d(heap, heapIndex(backend, x), inPixels, Ci, heapIndex(backend, xT));
  const pointwise = rowLength === Ci && g.strideHeight === 1 && g.strideWidth === 1 &&
    g.padTop === 0 && g.padLeft === 0 && info.outHeight === info.inHeight && info.outWidth === info.inWidth;
  const chunkImages = pointwise ? B : Math.max(1, Math.min(B, Math.floor(maxIm2colValues / (pixels * rowLength))));

  let dW: TensorInfo | undefined;
  for (let b0 = 0; b0 < B; b0 += chunkImages) {
    const n = Math.min(chunkImages, B - b0);
    const rows = n * pixels;
    let colT: TensorInfo;
    if (pointwise) {
      colT = viewAs(xT, [1, rowLength, rows]);
    } else {
      colT = backend.makeOutput([1, rowLength, rows], 'float32');
      heap = heapF32(backend);
      im2colTransposed(heap, heapIndex(backend, xT), B, heap, heapIndex(backend, colT), g, b0, n);
    }
    let dyChunk = viewAs(dy, [1, rows, Co]);
    if (n !== B) {
      dyChunk = backend.makeOutput([1, rows, Co], 'float32');
      heap = heapF32(backend);
      const from = heapIndex(backend, dy) + b0 * pixels * Co;
      heap.copyWithin(heapIndex(backend, dyChunk), from, from + rows * Co);
    }
    const part = callWasmKernel('BatchMatMul', backend, { a: colT, b: dyChunk }, {
      transposeA: false, transposeB: false,
    });
    if (!pointwise) release(backend, colT);
    if (n !== B) release(backend, dyChunk);
    if (dW == null) {
      dW = part;
    } else {
      heap = heapF32(backend);
      const acc = heapIndex(backend, dW);
      const add = heapIndex(backend, part);
      for (let i = 0, len = Co * rowLength; i < len; i++) heap[acc + i] = heap[acc + i]! + heap[add + i]!;
      release(backend, part);
    }
  }
  release(backend, xT);
  dW!.shape = [...filterShape];
  return dW!;
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as unknown as KernelFunc,
};
