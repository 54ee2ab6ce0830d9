// Training-mode batch normalisation (+ optional ReLU) for wasm: G2rlBatchNormTrain and
// G2rlBatchNormTrainGrad, the contract of @g2rl/backend-native's kernels, which @g2rl/models'
// BatchNormRelu layer runs when the active backend registers them. Without them the layer
// takes tf.moments + batchNorm (+ relu) and their autodiff: ~10 full-size kernels forward,
// ~20 backward, and a JavaScript-filled ones tensor per reduction's gradient. Here: two
// reading passes and one writing pass forward, one reading and one writing pass backward,
// over the wasm heap: float32 SIMD passes (fma/batch-norm-passes.ts) when the tile module runs
// and C is a multiple of 4, else JavaScript loops. Batch sums are accumulated in double (in
// float32 within blocks of 64 rows on the SIMD path), as the native kernels do.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BN_PASSES } from './fma/batch-norm-passes.js';
import { tileKernels, type BatchNormPasses } from './fma/tile-runtime.js';
import { heapF32, heapIndex, release } from './kernel-calls.js';
import { wasmFmaEnabled } from './register.js';

/** Rows summed in float32 before a block's sums join the double totals (as the native kernels). */
const BLOCK_ROWS = 64;

/** The SIMD passes (fma/batch-norm-passes.ts) when the tile module runs and C is a multiple of 4. */
function simdPasses(backend: BackendWasm, channels: number): BatchNormPasses | null {
  return channels % 4 === 0 && wasmFmaEnabled() ? tileKernels(backend).batchNorm : null;
}

/**
 * totals[c] += Σ_rows of `pass` (a SIMD sum into `block`, C floats at float index `block`),
 * block by block of BLOCK_ROWS rows starting at float index `first`.
 */
function blockSums(heap: Float32Array, rows: number, C: number, block: number, totals: Float64Array[], pass: (rowsAt: number, n: number) => void): void {
  for (let r0 = 0; r0 < rows; r0 += BLOCK_ROWS) {
    heap.fill(0, block, block + totals.length * C);
    pass(r0, Math.min(BLOCK_ROWS, rows - r0));
    totals.forEach((total, t) => {
      for (let c = 0; c < C; c++) total[c] += heap[block + t * C + c]!;
    });
  }
}

/** x …×C, gamma C, beta C; attrs epsilon, relu → [y …×C, mean C, variance C (biased)]. */
export const BATCH_NORM_TRAIN_KERNEL = 'G2rlBatchNormTrain';
/** dy, x, y …×C, gamma, mean, variance C; attrs epsilon, relu → [dx …×C, dgamma C, dbeta C]. */
export const BATCH_NORM_TRAIN_GRAD_KERNEL = 'G2rlBatchNormTrainGrad';

type Args = { inputs: Record<string, TensorInfo | undefined>; backend: BackendWasm; attrs: NamedAttrMap };

/** The inputs' heap indices, each checked: float32, per-channel ones of shape [C], full-size ones of x's shape. */
function heapInputs(kernel: string, args: Args, names: readonly string[]): { at: number[]; shape: number[]; channels: number; rows: number } {
  const x = args.inputs.x;
  const shape = x?.shape ?? [];
  const channels = shape[shape.length - 1] ?? 0;
  const size = shape.reduce((p, d) => p * d, 1);
  const perChannel = new Set(['gamma', 'beta', 'mean', 'variance']);
  const at = names.map((name) => {
    const t = args.inputs[name];
    const want = perChannel.has(name) ? [channels] : shape;
    if (t == null || t.dtype !== 'float32' || t.shape.join() !== want.join()) {
      throw new Error(`@g2rl/backend (wasm) ${kernel}: input '${name}' must be float32 of shape [${want.join(', ')}], got ${t?.dtype} [${t?.shape?.join(', ')}]`);
    }
    return heapIndex(args.backend, t);
  });
  if (channels < 1 || size === 0) throw new Error(`@g2rl/backend (wasm) ${kernel}: x must be a non-empty …×C tensor, got [${shape.join(', ')}]`);
  return { at, shape: [...shape], channels, rows: size / channels };
}

function attrsOf(kernel: string, attrs: NamedAttrMap): { epsilon: number; relu: boolean } {
  const epsilon = attrs?.epsilon;
  if (typeof epsilon !== 'number' || !(epsilon >= 0)) throw new Error(`@g2rl/backend (wasm) ${kernel}: attribute 'epsilon' must be a number ≥ 0, got ${String(epsilon)}`);
  return { epsilon, relu: Boolean(attrs?.relu) };
}

/**
 * mean = Σx / n, variance = Σ(x − mean)² / n (two passes, double sums), then
 * y = β + (x − mean) · γ/√(variance + ε), rectified when `relu`.
 */
export function batchNormTrainWasm(args: Args): TensorInfo[] {
  const { at, shape, channels: C, rows } = heapInputs(BATCH_NORM_TRAIN_KERNEL, args, ['x', 'gamma', 'beta']);
  const { epsilon, relu } = attrsOf(BATCH_NORM_TRAIN_KERNEL, args.attrs);
  const { backend } = args;
  const y = backend.makeOutput(shape, 'float32');
  const mean = backend.makeOutput([C], 'float32');
  const variance = backend.makeOutput([C], 'float32');
  const passes = simdPasses(backend, C);
  const scratch = passes ? backend.makeOutput([4 * C], 'float32') : null; // mean, k, o, a block's sums
  const heap = heapF32(backend); // after the last allocation
  const [x, gamma, beta] = at as [number, number, number];
  const [yAt, meanAt, varianceAt] = [y, mean, variance].map((t) => heapIndex(backend, t)) as [number, number, number];
  const rowBytes = 4 * C;
  const sums = new Float64Array(C);
  const mu = new Float32Array(C);
  const k = new Float32Array(C);
  const o = new Float32Array(C);
  const s0 = scratch ? heapIndex(backend, scratch) : 0;
  const [muAt, kAt, oAt, blockAt] = [s0, s0 + C, s0 + 2 * C, s0 + 3 * C];
  if (passes) blockSums(heap, rows, C, blockAt, [sums], (r0, n) => passes[BN_PASSES.sum]!(4 * x + r0 * rowBytes, n, rowBytes, 4 * blockAt));
  else for (let r = 0, i = x; r < rows; r++) for (let c = 0; c < C; c++) sums[c] += heap[i++]!;
  for (let c = 0; c < C; c++) mu[c] = sums[c]! / rows;
  sums.fill(0);
  if (passes) {
    heap.set(mu, muAt);
    blockSums(heap, rows, C, blockAt, [sums], (r0, n) => passes[BN_PASSES.squaredDeviation]!(4 * x + r0 * rowBytes, n, rowBytes, 4 * muAt, 4 * blockAt));
  } else {
    for (let r = 0, i = x; r < rows; r++) {
      for (let c = 0; c < C; c++) {
        const d = Math.fround(heap[i++]! - mu[c]!);
        sums[c] += d * d;
      }
    }
  }
  for (let c = 0; c < C; c++) {
    const v = sums[c]! / rows;
    heap[meanAt + c] = mu[c]!;
    heap[varianceAt + c] = v;
    k[c] = heap[gamma + c]! / Math.sqrt(v + epsilon);
    o[c] = heap[beta + c]!;
  }
  if (passes) {
    heap.set(k, kAt);
    heap.set(o, oAt);
    passes[BN_PASSES.apply + (relu ? '_relu' : '')]!(4 * x, 4 * yAt, rows, rowBytes, 4 * muAt, 4 * kAt, 4 * oAt);
    release(backend, scratch!);
    return [y, mean, variance];
  }
  // y = o + (x − mean)·k with each operation rounded to float32, as the SIMD pass does
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < C; c++, i++) {
      const value = Math.fround(o[c]! + Math.fround(Math.fround(heap[x + i]! - mu[c]!) * k[c]!));
      heap[yAt + i] = relu && !(value > 0) ? 0 : value;
    }
  }
  return [y, mean, variance];
}

/**
 * With g = dy (masked by y > 0 when `relu`), x̂ = (x − mean)/√(variance + ε):
 * dβ = Σg, dγ = Σg·x̂, dx = γ/√(variance + ε) · (g − dβ/n − x̂·dγ/n): the gradient through the
 * batch statistics as well (training mode).
 */
export function batchNormTrainGradWasm(args: Args): TensorInfo[] {
  const names = ['dy', 'x', 'y', 'gamma', 'mean', 'variance'] as const;
  const { at, shape, channels: C, rows } = heapInputs(BATCH_NORM_TRAIN_GRAD_KERNEL, args, names);
  const { epsilon, relu } = attrsOf(BATCH_NORM_TRAIN_GRAD_KERNEL, args.attrs);
  const { backend } = args;
  const dx = backend.makeOutput(shape, 'float32');
  const dgamma = backend.makeOutput([C], 'float32');
  const dbeta = backend.makeOutput([C], 'float32');
  const passes = simdPasses(backend, C);
  const scratch = passes ? backend.makeOutput([7 * C], 'float32') : null; // inv, scale, a, b, two blocks' sums
  const heap = heapF32(backend); // after the last allocation
  const [dy, x, y, gamma, meanAt, varianceAt] = at as [number, number, number, number, number, number];
  const [dxAt, dgammaAt, dbetaAt] = [dx, dgamma, dbeta].map((t) => heapIndex(backend, t)) as [number, number, number];
  const rowBytes = 4 * C;
  const mu = heap.slice(meanAt, meanAt + C);
  const inv = new Float32Array(C);
  for (let c = 0; c < C; c++) inv[c] = 1 / Math.sqrt(heap[varianceAt + c]! + epsilon);
  const sumG = new Float64Array(C);
  const sumGd = new Float64Array(C);
  const s0 = scratch ? heapIndex(backend, scratch) : 0;
  const [invAt, scaleAt, aAt, bAt, blockAt] = [s0, s0 + C, s0 + 2 * C, s0 + 3 * C, s0 + 4 * C];
  const suffix = relu ? '_relu' : '';
  if (passes) {
    blockSums(heap, rows, C, blockAt, [sumG, sumGd], (r0, n) => {
      const offset = r0 * rowBytes;
      passes[BN_PASSES.gradientSums + suffix]!(4 * dy + offset, 4 * x + offset, 4 * y + offset, n, rowBytes, 4 * meanAt, 4 * blockAt, 4 * (blockAt + C));
    });
  } else {
    for (let r = 0, i = 0; r < rows; r++) {
      for (let c = 0; c < C; c++, i++) {
        const g = relu && !(heap[y + i]! > 0) ? 0 : heap[dy + i]!;
        sumG[c] += g;
        sumGd[c] += g * Math.fround(heap[x + i]! - mu[c]!);
      }
    }
  }
  const a = new Float32Array(C);
  const b = new Float32Array(C);
  const scale = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const sumGx = sumGd[c]! * inv[c]!;
    heap[dbetaAt + c] = sumG[c]!;
    heap[dgammaAt + c] = sumGx;
    scale[c] = heap[gamma + c]! * inv[c]!;
    a[c] = sumG[c]! / rows;
    b[c] = sumGx / rows;
  }
  if (passes) {
    heap.set(inv, invAt);
    heap.set(scale, scaleAt);
    heap.set(a, aAt);
    heap.set(b, bAt);
    passes[BN_PASSES.gradientApply + suffix]!(4 * dy, 4 * x, 4 * y, 4 * dxAt, rows, rowBytes, 4 * meanAt, 4 * invAt, 4 * scaleAt, 4 * aAt, 4 * bAt);
    release(backend, scratch!);
    return [dx, dgamma, dbeta];
  }
  for (let r = 0, i = 0; r < rows; r++) {
    for (let c = 0; c < C; c++, i++) {
      const g = relu && !(heap[y + i]! > 0) ? 0 : heap[dy + i]!;
      const xhat = Math.fround(heap[x + i]! - mu[c]!) * inv[c]!;
      heap[dxAt + i] = scale[c]! * (g - a[c]! - xhat * b[c]!);
    }
  }
  return [dx, dgamma, dbeta];
}

export const batchNormTrainConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAIN_KERNEL,
  backendName: 'wasm',
  kernelFunc: batchNormTrainWasm as unknown as KernelFunc,
};

export const batchNormTrainGradConfig: KernelConfig = {
  kernelName: BATCH_NORM_TRAIN_GRAD_KERNEL,
  backendName: 'wasm',
  kernelFunc: batchNormTrainGradWasm as unknown as KernelFunc,
};
