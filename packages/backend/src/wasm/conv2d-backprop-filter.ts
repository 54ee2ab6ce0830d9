// Conv2DBackpropFilter for wasm (tfjs-backend-wasm 4.22 has none, so training a conv net
// throws). dW (KH·KW·C_in × C_out) = colᵀ (KH·KW·C_in × N) · dy (N × C_out) over the
// phase grid's N ≈ B·OH·OW points (phase-grid.ts): one untransposed BatchMatMul (XNNPACK)
// whose result already has the filter's layout, with the big operand on the left (wasm's
// BatchMatMul repacks its right operand on every call). A transposed operand would be
// 10–50× slower there.
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { phaseGrid, type ConvGeometry, writeGridColumns, writeGridGradient, writePhaseTensor } from './phase-grid.js';
import { callWasmKernel, heapF32, heapIndex, release, viewAs } from './kernel-calls.js';

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
  const Co = info.outChannels;
  const rowLength = info.filterHeight * info.filterWidth * info.inChannels;
  const grid = phaseGrid(g, B);
  const gridPixels = grid.rows * grid.cols;
  // dy already is its own grid when the filter needs no margin (1×1 and similar).
  const dyIsGrid = grid.rows === g.outHeight && grid.cols === g.outWidth;

  const phases = backend.makeOutput([grid.phases * info.inChannels, grid.rowLength], 'float32');
  let heap = heapF32(backend);
  writePhaseTensor(heap, heapIndex(backend, x), B, g, grid, heap, heapIndex(backend, phases));
  const chunkImages = Math.max(1, Math.min(B, Math.floor(maxIm2colValues / (gridPixels * rowLength))));

  let dW: TensorInfo | undefined;
  for (let b0 = 0; b0 < B; b0 += chunkImages) {
    const n = Math.min(chunkImages, B - b0);
    const columns = n * gridPixels;
    // A 1×1 stride-1 filter over the whole batch: the phase tensor is colᵀ itself.
    const colIsPhases = rowLength === info.inChannels && grid.maxOffset === 0 && n === B;
    let colT: TensorInfo;
    if (colIsPhases) {
      colT = viewAs(phases, [1, rowLength, columns]);
    } else {
      colT = backend.makeOutput([1, rowLength, columns], 'float32');
      heap = heapF32(backend);
      writeGridColumns(heap, heapIndex(backend, phases), g, grid, b0, n, heapIndex(backend, colT));
    }
    let dyGrid: TensorInfo;
    const ownGrid = !(dyIsGrid && n === B);
    if (ownGrid) {
      dyGrid = backend.makeOutput([1, columns, Co], 'float32');
      heap = heapF32(backend);
      writeGridGradient(heap, heapIndex(backend, dy), g, Co, grid, b0, n, heapIndex(backend, dyGrid));
    } else {
      dyGrid = viewAs(dy, [1, columns, Co]);
    }
    const part = callWasmKernel('BatchMatMul', backend, { a: colT, b: dyGrid }, {
      transposeA: false, transposeB: false,
    });
    if (!colIsPhases) release(backend, colT);
    if (ownGrid) release(backend, dyGrid);
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
  release(backend, phases);
  dW!.shape = [...filterShape];
  return dW!;
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as unknown as KernelFunc,
};
