// Sum / Mean over LEADING axes (e.g. axes [0, 1, 2] of B×H×W×C: batch-norm statistics and
// their gradients, and every bias gradient). wasm first transposes the reduced axes to the
// back with its slow element-wise Transpose (5.5 ms for 16×64×64×32). Here: pairwise
// halving with wasm's own (SIMD) Add on the top and bottom halves of the rows, which is
// also more accurate than one running float32 sum. Other reductions go to wasm's kernels.
import {
  Mean,
  Sum,
  util,
  type KernelConfig,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { callWasmKernel, heapF32, heapIndex, heapView, release, releaseView, replaceKernelFunc } from './kernel-calls.js';

/** Number of leading axes `axis` reduces, or −1 when it is not a proper leading prefix. */
export function leadingAxes(axis: number | number[], shape: readonly number[]): number {
  const axes = [...new Set(util.parseAxisParam(axis, shape as number[]))].sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= shape.length) return -1;
  return axes.every((a, i) => a === i) ? axes.length : -1;
}

/**
 * `out[c] = scale · Σ_r x[r, c]` for `x` seen as `rows × cols` (float32): halves the rows
 * with Add until one is left; odd leftover rows are summed into a float64 side total.
 */
export function sumLeadingRows(backend: BackendWasm, x: TensorInfo, rows: number, cols: number, scale: number): TensorInfo {
  const leftover = new Float64Array(cols);
  let current = x; // owned by us once it is not x
  let n = rows;
  while (n > 1) {
    const half = Math.floor(n / 2);
    const start = heapIndex(backend, current);
    if (n % 2 === 1) {
      const heap = heapF32(backend);
      const last = start + (n - 1) * cols;
      for (let c = 0; c < cols; c++) leftover[c] = leftover[c]! + heap[last + c]!;
    }
    const top = heapView(backend, [half * cols], start);
    const bottom = heapView(backend, [half * cols], start + half * cols);
    const next = callWasmKernel('Add', backend, { a: top, b: bottom });
    releaseView(backend, top);
    releaseView(backend, bottom);
    if (current !== x) release(backend, current);
    current = next;
    n = half;
  }
  const out = backend.makeOutput([cols], 'float32');
  const heap = heapF32(backend);
  const src = heapIndex(backend, current);
  const dst = heapIndex(backend, out);
  for (let c = 0; c < cols; c++) heap[dst + c] = (heap[src + c]! + leftover[c]!) * scale;
  if (current !== x) release(backend, current);
  return out;
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
    const out = sumLeadingRows(backend, x, rows, cols, mean ? 1 / rows : 1);
    out.shape = outShape;
    return out;
  };
  return replaceKernelFunc(original, kernelFunc);
}

/** Sum and Mean configs wrapping wasm's (`originals` in that order). */
export function leadingReductionConfigs(sum: KernelConfig, mean: KernelConfig): KernelConfig[] {
  return [reduceConfig(sum, false), reduceConfig(mean, true)];
}

export const LEADING_REDUCTION_KERNELS = [Sum, Mean] as const;
