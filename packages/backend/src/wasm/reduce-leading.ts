// Sum / Mean over LEADING axes (e.g. axes [0, 1, 2] of B×H×W×C: batch-norm statistics and
// their gradients, and every bias gradient). wasm first transposes the reduced axes to the
// back with its slow element-wise Transpose (5.5 ms for 16×64×64×32); accumulating rows in
// place is one read pass (≈2 ms). Other reductions go to wasm's own kernels.
import {
  Mean,
  Sum,
  util,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapF32, heapIndex } from './kernel-calls.js';

/**
 * `out[c] = scale · Σ_r x[r·C + c]` for an `R × C` row-major block at `heap[src]`, written
 * to `heap[dst]`. Accumulates in float64 (like tfjs' cpu backend).
 */
export function sumRows(heap: Float32Array, src: number, rows: number, cols: number, dst: number, scale = 1): void {
  const acc = new Float64Array(cols);
  for (let r = 0, s = src; r < rows; r++, s += cols) {
    for (let c = 0; c < cols; c++) acc[c] = acc[c]! + heap[s + c]!;
  }
  for (let c = 0; c < cols; c++) heap[dst + c] = acc[c]! * scale;
}

/** Number of leading axes `axis` reduces, or −1 when it is not a proper leading prefix. */
export function leadingAxes(axis: number | number[], shape: readonly number[]): number {
  const axes = [...new Set(util.parseAxisParam(axis, shape as number[]))].sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= shape.length) return -1;
  return axes.every((a, i) => a === i) ? axes.length : -1;
}

function reduceConfig(original: KernelConfig, mean: boolean): KernelConfig {
  const kernelFunc = (args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: NamedAttrMap }) => {
    const { inputs: { x }, backend, attrs } = args;
    const k = x.dtype === 'float32' ? leadingAxes(attrs.axis as number | number[], x.shape) : -1;
    if (k < 0) return original.kernelFunc(args as never);
    const rows = util.sizeFromShape(x.shape.slice(0, k));
    const kept = x.shape.slice(k);
    const cols = util.sizeFromShape(kept);
    const outShape = attrs.keepDims === true ? [...x.shape.slice(0, k).map(() => 1), ...kept] : kept;
    const out = backend.makeOutput(outShape, 'float32');
    sumRows(heapF32(backend), heapIndex(backend, x), rows, cols, heapIndex(backend, out), mean ? 1 / rows : 1);
    return out;
  };
  return {
    kernelName: original.kernelName,
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    disposeFunc: original.disposeFunc,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}

/** Sum and Mean configs wrapping wasm's (`originals` in that order). */
export function leadingReductionConfigs(sum: KernelConfig, mean: KernelConfig): KernelConfig[] {
  return [reduceConfig(sum, false), reduceConfig(mean, true)];
}

export const LEADING_REDUCTION_KERNELS = [Sum, Mean] as const;
