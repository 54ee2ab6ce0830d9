// Conv2DBackpropFilter for wasm (tfjs-backend-wasm 4.22 has none, so training a conv net
// throws). dWᵀ (C_out × KH·KW·C_in) = dyᵀ (C_out × P) · im2col(x) (P × KH·KW·C_in),
// P = B·OH·OW: both operands are laid out so that wasm's BatchMatMul (XNNPACK) runs
// untransposed; a transposed operand is about 10–50× slower there.
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { im2col, type ConvGeometry } from './im2col.js';
import { callWasmKernel, heapF32, heapIndex, release, viewAs } from './kernel-calls.js';

/** Largest im2col buffer (float32 values) built at once; bigger batches go in chunks. */
export const MAX_IM2COL_VALUES = 16 * 1024 * 1024;

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
  const pixels = info.outHeight * info.outWidth;
  const P = B * pixels;
  const rowLength = info.filterHeight * info.filterWidth * info.inChannels;

  // dyᵀ once for the whole batch (C++ transpose); chunks copy their columns out of it.
  const dyT = callWasmKernel('Transpose', backend, { x: viewAs(dy, [P, Co]) }, { perm: [1, 0] });
  // A 1×1, stride-1, unpadded conv needs no im2col: x itself is P × C_in.
  const pointwise = rowLength === info.inChannels && g.strideHeight === 1 && g.strideWidth === 1 &&
    g.padTop === 0 && g.padLeft === 0 && info.outHeight === info.inHeight && info.outWidth === info.inWidth;
  const chunkImages = pointwise ? B : Math.max(1, Math.min(B, Math.floor(MAX_IM2COL_VALUES / (pixels * rowLength))));

  let dWT: TensorInfo | undefined;
  for (let b0 = 0; b0 < B; b0 += chunkImages) {
    const n = Math.min(chunkImages, B - b0);
    const rows = n * pixels;
    let col: TensorInfo;
    if (pointwise) {
      col = viewAs(x, [1, P, rowLength]);
    } else {
      col = backend.makeOutput([1, rows, rowLength], 'float32');
      const heap = heapF32(backend);
      im2col(heap, heapIndex(backend, x), heap, heapIndex(backend, col), g, b0, n);
    }
    let dyTChunk = viewAs(dyT, [1, Co, P]);
    if (n !== B) {
      dyTChunk = backend.makeOutput([1, Co, rows], 'float32');
      const heap = heapF32(backend);
      const from = heapIndex(backend, dyT) + b0 * pixels;
      const to = heapIndex(backend, dyTChunk);
      for (let c = 0; c < Co; c++) heap.copyWithin(to + c * rows, from + c * P, from + c * P + rows);
    }
    const part = callWasmKernel('BatchMatMul', backend, { a: dyTChunk, b: col }, {
      transposeA: false, transposeB: false,
    });
    if (!pointwise) release(backend, col);
    if (n !== B) release(backend, dyTChunk);
    if (dWT == null) {
      dWT = part;
    } else {
      const heap = heapF32(backend);
      const acc = heapIndex(backend, dWT);
      const add = heapIndex(backend, part);
      for (let i = 0, len = Co * rowLength; i < len; i++) heap[acc + i] = heap[acc + i]! + heap[add + i]!;
      release(backend, part);
    }
  }
  release(backend, dyT);
  const dW = callWasmKernel('Transpose', backend, { x: viewAs(dWT!, [Co, rowLength]) }, { perm: [1, 0] });
  release(backend, dWT!);
  dW.shape = [...filterShape];
  return dW;
}

export const conv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as unknown as KernelFunc,
};
