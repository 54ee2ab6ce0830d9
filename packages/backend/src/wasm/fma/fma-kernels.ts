// Conv2D, FusedConv2D, BatchMatMul and _FusedMatMul for wasm on the FMA tile kernels.
// XNNPACK in tfjs-backend-wasm 4.22 multiplies and adds separately (no relaxed SIMD): on
// this project's CPU that caps it at ≈ 8 fp32 FLOP per cycle; f32x4.relaxed_madd doubles
// that (measured: a 6×8 tile product 50 GFLOP/s against XNNPACK's 24 for the same conv).
// Anything these kernels do not cover (other layouts, dtypes, activations, widths that are
// not a multiple of 4, tiny products) goes to the original kernel.
import {
  backend_util,
  type Conv2DAttrs,
  type FusedConv2DAttrs,
  type KernelConfig,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapF32, heapIndex, release, replaceKernelFunc } from '../kernel-calls.js';
import { convScratchFloats, matMulScratchFloats, tileConv2d, tileMatMul, type Epilogue, type TileConvGeometry } from './tile-product.js';
import { tileKernels } from './tile-runtime.js';

/** Below this many multiply-adds the original kernel's lower set-up cost wins. */
const MIN_MULTIPLY_ADDS = 1 << 12;
/** Fewest input channels a convolution takes the tile path with. */
const MIN_CHANNELS = 8;

/** Calls that took the tile path (for tests: a fallback must not pass for the fast path). */
export const fmaKernelCalls = { conv2d: 0, matMul: 0 };

type Args = { inputs: Record<string, TensorInfo | undefined>; backend: BackendWasm; attrs: NamedAttrMap };

/** The epilogue of a fused op, or null when the activation is one the tiles do not fuse. */
function epilogueOf(backend: BackendWasm, attrs: NamedAttrMap, inputs: Args['inputs'], n: number): Epilogue | null {
  const activation = (attrs.activation as string | undefined) ?? 'linear';
  if (activation !== 'linear' && activation !== 'relu') return null;
  if (inputs.preluActivationWeights != null) return null;
  const bias = inputs.bias;
  if (bias != null && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== n)) return null;
  return { bias: bias == null ? undefined : heapIndex(backend, bias), relu: activation === 'relu' };
}

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/**
 * BatchMatMul / _FusedMatMul: a `…×M×K` · b `…×K×N` (untransposed: the untransposing wrapper
 * of batch-matmul.ts runs first), b's batch 1 or a's.
 */
export function fmaMatMulConfig(original: KernelConfig): KernelConfig {
  const run = original.kernelFunc;
  const kernelFunc = (args: Args) => {
    const { inputs, backend, attrs } = args;
    const a = inputs.a!;
    const b = inputs.b!;
    if (attrs.transposeA === true || attrs.transposeB === true || a.dtype !== 'float32' || b.dtype !== 'float32') return run(args as never);
    const m = a.shape[a.shape.length - 2]!;
    const k = a.shape[a.shape.length - 1]!;
    const n = b.shape[b.shape.length - 1]!;
    const batchA = size(a.shape.slice(0, -2));
    const batchB = size(b.shape.slice(0, -2));
    const outer = a.shape.length >= b.shape.length ? a.shape.slice(0, -2) : b.shape.slice(0, -2);
    if (n % 4 !== 0 || batchA * m * n * k < MIN_MULTIPLY_ADDS || b.shape[b.shape.length - 2] !== k) return run(args as never);
    if (!(batchB === 1 || batchB === batchA) || size(outer) !== batchA) return run(args as never);
    const epilogue = epilogueOf(backend, attrs, inputs, n);
    if (epilogue == null) return run(args as never);
    const out = backend.makeOutput([...outer, m, n], 'float32');
    if (m * n * batchA === 0) return out;
    const scratch = backend.makeOutput([matMulScratchFloats(k, n)], 'float32');
    const kernels = tileKernels(backend);
    const heap = heapF32(backend);
    fmaKernelCalls.matMul++;
    const [ai, bi, ci, si] = [heapIndex(backend, a), heapIndex(backend, b), heapIndex(backend, out), heapIndex(backend, scratch)];
    for (let i = 0; i < batchA; i++) {
      tileMatMul(heap, kernels, ai + i * m * k, bi + (batchB === 1 ? 0 : i * k * n), ci + i * m * n, m, k, n, si, epilogue);
    }
    release(backend, scratch);
    return out;
  };
  return replaceKernelFunc(original, kernelFunc);
}

/** Conv2D / FusedConv2D, NHWC float32, C_out a multiple of 4. */
export function fmaConv2dConfig(original: KernelConfig): KernelConfig {
  const run = original.kernelFunc;
  const kernelFunc = (args: Args) => {
    const { inputs, backend } = args;
    const attrs = args.attrs as unknown as Conv2DAttrs & Partial<FusedConv2DAttrs>;
    const x = inputs.x!;
    const filter = inputs.filter!;
    if (x.dtype !== 'float32' || filter.dtype !== 'float32' || (attrs.dataFormat ?? 'NHWC') !== 'NHWC') return run(args as never);
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
      attrs.strides, attrs.dilations ?? 1, attrs.pad, attrs.dimRoundingMode,
    );
    const n = info.outChannels;
    const taps = info.filterHeight * info.filterWidth;
    const outPixels = info.batchSize * info.outHeight * info.outWidth;
    // Below 8 input channels a receptive field is too many tiny copies (the RGB stem: XNNPACK
    // is faster there).
    if (n % 4 !== 0 || info.inChannels < MIN_CHANNELS || outPixels * n * taps * info.inChannels < MIN_MULTIPLY_ADDS) return run(args as never);
    const epilogue = epilogueOf(backend, args.attrs, inputs, n);
    if (epilogue == null) return run(args as never);

    // Padded extent: every tap of every output pixel lands inside it.
    const paddedHeight = (info.outHeight - 1) * info.strideHeight + (info.filterHeight - 1) * info.dilationHeight + 1;
    const paddedWidth = (info.outWidth - 1) * info.strideWidth + (info.filterWidth - 1) * info.dilationWidth + 1;
    const { top, left } = info.padInfo;
    const inPlace = top === 0 && left === 0 && paddedHeight <= info.inHeight && paddedWidth <= info.inWidth;
    const out = backend.makeOutput([info.batchSize, info.outHeight, info.outWidth, n], 'float32');
    if (outPixels === 0) return out;
    const C = info.inChannels;
    const geometry: TileConvGeometry = {
      batch: info.batchSize, paddedHeight: inPlace ? info.inHeight : paddedHeight, paddedWidth: inPlace ? info.inWidth : paddedWidth,
      inChannels: C, outHeight: info.outHeight, outWidth: info.outWidth, outChannels: n,
      filterHeight: info.filterHeight, filterWidth: info.filterWidth,
      strideHeight: info.strideHeight, strideWidth: info.strideWidth,
      dilationHeight: info.dilationHeight, dilationWidth: info.dilationWidth,
    };
    const padded = inPlace ? null : backend.makeOutput([info.batchSize, paddedHeight, paddedWidth, C], 'float32');
    const scratch = backend.makeOutput([convScratchFloats(geometry)], 'float32');
    const kernels = tileKernels(backend);
    const heap = heapF32(backend);
    fmaKernelCalls.conv2d++;
    let xi = heapIndex(backend, x);
    if (padded != null) {
      const pi = heapIndex(backend, padded);
      heap.fill(0, pi, pi + info.batchSize * paddedHeight * paddedWidth * C);
      const rows = Math.min(info.inHeight, paddedHeight - top);
      const cols = Math.min(info.inWidth, paddedWidth - left) * C;
      for (let b = 0; b < info.batchSize; b++) {
        for (let y = 0; y < rows; y++) {
          const from = xi + ((b * info.inHeight + y) * info.inWidth) * C;
          heap.copyWithin(pi + ((b * paddedHeight + y + top) * paddedWidth + left) * C, from, from + cols);
        }
      }
      xi = pi;
    }
    tileConv2d(heap, kernels, xi, heapIndex(backend, filter), heapIndex(backend, out), geometry, heapIndex(backend, scratch), epilogue);
    if (padded != null) release(backend, padded);
    release(backend, scratch);
    return out;
  };
  return replaceKernelFunc(original, kernelFunc);
}
