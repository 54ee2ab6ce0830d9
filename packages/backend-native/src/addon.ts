// Loads the compiled Node-API addon (build/Release/g2rl_native.node) if the install step
// built it, and remembers why not otherwise. Nothing here throws: callers decide.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareNativeEnvironment } from './environment.js';

/** The addon's functions. Every array argument is used in place (no copies). */
export interface NativeAddon {
  info(): { onednn: string; threads: number; engine: boolean };
  setThreads(threads: number): void;
  /**
   * x N×H×W×C, filter KH×KW×C×OC, bias OC | null, out N×OH×OW×OC; dims: see convDims().
   * filterId > 0 names the filter's contents: its reorder to oneDNN's layout is cached under it.
   */
  conv2d(
    x: Float32Array,
    filter: Float32Array,
    bias: Float32Array | null,
    out: Float32Array,
    dims: Int32Array,
    activation: number,
    alpha: number,
    filterId?: number,
  ): void;
  /** dy N×OH×OW×OC, filter KH×KW×C×OC → dx N×H×W×C (filterId: as for conv2d). */
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, dims: Int32Array, filterId?: number): void;
  /** x N×H×W×C, dy N×OH×OW×OC → dw KH×KW×C×OC. */
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, dims: Int32Array): void;
  /** Name of the oneDNN implementation chosen (kind 0 forward, 1 backward data, 2 backward weights). */
  convImplementation(kind: number, dims: Int32Array): string;
  /**
   * The calling JS thread's convolution caches: plans (least recently used dropped beyond 512;
   * evictedPlans counts them), reordered filters (shared by the plans, env
   * G2RL_NATIVE_FILTER_CACHE_MB bounds their bytes) and the bytes of filter copies held.
   */
  convolutionCacheStats(): { plans: number; evictedPlans: number; filters: number; filterBytes: number };
  /** glibc's malloc_trim(0): the free pages inside every malloc arena go back to the system; true when some did (false off glibc). */
  mallocTrim(): boolean;
  /** glibc's mallopt(M_MMAP_THRESHOLD, bytes), process-wide: blocks of at least `bytes` are mapped alone and unmapped when freed; true when taken (false off glibc). */
  mallocMmapThreshold(bytes: number): boolean;
  /** params: batchA, batchB, M, N, K, transposeA, transposeB; bias length N or 1. */
  matMul(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    params: Int32Array,
    bias: Float32Array | null,
    activation: number,
    alpha: number,
  ): void;
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, mode: number, inner: number): void;
  /** Any broadcast: out (row-major over shape) = a[Σ i·aStrides] op b[Σ i·bStrides]; rank ≤ 8. */
  binaryStrided(op: number, a: Float32Array, b: Float32Array, out: Float32Array, shape: Int32Array, aStrides: Int32Array, bStrides: Int32Array): void;
  /** Comparison (Greater, GreaterEqual, Less, LessEqual, Equal, NotEqual = 0…5), any broadcast as binaryStrided, 1/0 bytes into out. */
  compare(op: number, a: Float32Array, b: Float32Array, out: Uint8Array, shape: Int32Array, aStrides: Int32Array, bStrides: Int32Array): void;
  /** 4-byte elements (float32 or int32 viewed as float32, copied as bits): out[i] = x[offset + Σ i_d·strides[d]]. */
  copyStrided(x: Float32Array, out: Float32Array, shape: Int32Array, strides: Int32Array, offset: number): void;
  unary(op: number, x: Float32Array, out: Float32Array, alpha: number): void;
  batchNorm(
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    offset: Float32Array | null,
    scale: Float32Array | null,
    out: Float32Array,
    epsilon: number,
  ): void;
  /** Every FusedBatchNorm gradient at once: x, dy, dx …×C; mean, variance, scale and the rest C. */
  batchNormGrad(
    dy: Float32Array,
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    scale: Float32Array | null,
    epsilon: number,
    dx: Float32Array,
    dmean: Float32Array,
    dvariance: Float32Array,
    dscale: Float32Array,
    doffset: Float32Array,
  ): void;
  /** Sum/Mean gradient: out[p, r, q] = dy[p, q] / divisor (dy P×Q, out P×R×Q). */
  expandReduced(dy: Float32Array, out: Float32Array, P: number, R: number, Q: number, divisor: number): void;
  /** int32 Sum (op 0), Max (2), Min (3): x (int32 values, in an Int32Array or Float32Array) viewed as P×R×Q → out P×Q. */
  reduceInt(op: number, x: Int32Array | Float32Array, out: Int32Array, P: number, R: number, Q: number): void;
  /** x viewed as P×R×Q → out P×Q. */
  reduce(op: number, x: Float32Array, out: Float32Array, P: number, R: number, Q: number): void;
  resizeNearest(x: Float32Array, out: Float32Array, dims: Int32Array, alignCorners: boolean, halfPixelCenters: boolean): void;
  /** out = x tiled reps[d] times along each axis (rank ≤ 8); x and out typed arrays of one element size, copied as bytes. */
  tile(x: Float32Array | Int32Array | Uint8Array, out: Float32Array | Int32Array | Uint8Array, shape: Int32Array, reps: Int32Array): void;
  /**
   * One Adam step for one variable, every array of its length (outputs may alias inputs);
   * hyper = [learningRate, beta1, beta2, epsilon, 1 − beta1^t, 1 − beta2^t].
   */
  adam(
    variable: Float32Array,
    gradient: Float32Array,
    m: Float32Array,
    v: Float32Array,
    outVariable: Float32Array,
    outM: Float32Array,
    outV: Float32Array,
    hyper: Float64Array,
  ): void;
  /** adam for many variables in one call: item k of each array belongs to variable k (see native/optimizer.cc). */
  adamMany(
    variables: Float32Array[],
    gradients: Float32Array[],
    ms: Float32Array[],
    vs: Float32Array[],
    outVariables: Float32Array[],
    outMs: Float32Array[],
    outVs: Float32Array[],
    hyper: Float64Array,
  ): void;
  /** Sorted top k of each n-long row (ties: lower index first); false (nothing written) for NaN or repeated infinities. */
  topk(x: Float32Array, values: Float32Array, indices: Int32Array, n: number, k: number): boolean;
  resizeNearestGrad(dy: Float32Array, dx: Float32Array, dims: Int32Array, alignCorners: boolean): void;
  /** Bilinear resize, x B×H×W×C (float32 or int32 values) → out B×newH×newW×C; dims [B, H, W, C, newH, newW]. */
  resizeBilinear(x: Float32Array | Int32Array, out: Float32Array, dims: Int32Array, alignCorners: boolean, halfPixelCenters: boolean): void;
  /** The adjoint of resizeBilinear: dy B×newH×newW×C → dx B×H×W×C (dims as resizeBilinear's). */
  resizeBilinearGrad(dy: Float32Array, dx: Float32Array, dims: Int32Array, alignCorners: boolean, halfPixelCenters: boolean): void;
  /** out = min(max(x, lo), hi) element-wise (NaN kept). */
  clip(x: Float32Array, out: Float32Array, lo: number, hi: number): void;
  /** Each input viewed as outer × rowBytes[i] bytes; out row r = the inputs' rows r side by side. */
  concat(inputs: (Float32Array | Int32Array | Uint8Array)[], out: Float32Array | Int32Array | Uint8Array, outer: number, rowBytes: Int32Array): void;
  /** out (shape + before + after) = fill's one element, with x (shape) copied in at `before`; arrays of one element size (1 or 4 bytes). */
  pad(
    x: Float32Array | Int32Array | Uint8Array,
    out: Float32Array | Int32Array | Uint8Array,
    shape: Int32Array,
    before: Int32Array,
    after: Int32Array,
    fill: Float32Array | Int32Array | Uint8Array,
  ): void;
  /** Converts x's values into out (same length); dtype codes 0 float32, 1 int32, 2 bool (Uint8Array). */
  cast(x: Float32Array | Int32Array | Uint8Array, out: Float32Array | Int32Array | Uint8Array, from: number, to: number): void;
  /**
   * A measured multiply-add peak: `threads` threads × `iterations` rounds of independent chains.
   * kind 'fp32' (default: 12 FMA chains, avx512f else avx2+fma), 'bf16' (12 vdpbf16ps chains,
   * AVX512_BF16) or 'amx-bf16' (tdpbf16ps on 4 tiles; requests AMX state from Linux). Throws
   * when the CPU lacks the kind.
   */
  fmaPeak(iterations: number, threads: number, kind?: 'fp32' | 'bf16' | 'amx-bf16'): { gflops: number; isa: string; seconds: number };
  /** Precision of this JS thread's later dense convolutions ('bf16': bf16 inputs, fp32 accumulation and outputs); returns the previous one. */
  setConvPrecision(precision: 'fp32' | 'bf16'): 'fp32' | 'bf16';
  /** Training batch norm over x M×C with batch statistics (biased variance), ReLU optional: y, mean, variance written. */
  batchNormTrain(x: Float32Array, gamma: Float32Array, beta: Float32Array, y: Float32Array, mean: Float32Array, variance: Float32Array, epsilon: number, relu: boolean): void;
  /** Its full gradient (through the batch statistics): dx M×C, dgamma, dbeta C. */
  batchNormTrainGrad(
    dy: Float32Array,
    x: Float32Array,
    y: Float32Array,
    gamma: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    epsilon: number,
    relu: boolean,
    dx: Float32Array,
    dgamma: Float32Array,
    dbeta: Float32Array,
  ): void;
  /** Max (average = false) or padding-excluding average pool, x N×H×W×C → out N×OH×OW×C; dims: see poolDims(). */
  pool2d(x: Float32Array, out: Float32Array, dims: Int32Array, average: boolean): void;
}

/** The package root: src/ and dist/ both sit one level below it. */
function packageRoot(): string {
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  return join(here, '..');
}

let loaded: { addon: NativeAddon | null; reason?: string } | undefined;

/** The addon, or null with the reason it is not available (env G2RL_NATIVE_DISABLE=1 forces that). Loads once. */
export function loadAddon(): { addon: NativeAddon | null; reason?: string } {
  if (loaded) return loaded;
  if (process.env.G2RL_NATIVE_DISABLE === '1') {
    loaded = { addon: null, reason: 'native kernels disabled by G2RL_NATIVE_DISABLE=1' };
    return loaded;
  }
  const root = packageRoot();
  const file = join(root, 'build', 'Release', 'g2rl_native.node');
  if (!existsSync(file)) {
    const skipped = join(root, 'build', 'skipped.txt');
    const reason = existsSync(skipped)
      ? `native addon not built: ${readFileSync(skipped, 'utf8').trim()}`
      : 'native addon not built (the install step did not run): apt-get install libdnnl-dev, then npm rebuild @g2rl/backend-native';
    loaded = { addon: null, reason };
    return loaded;
  }
  // libgomp reads its settings when it loads, i.e. with the addon below (environment.ts).
  prepareNativeEnvironment();
  try {
    const require = createRequire(join(root, 'package.json'));
    loaded = { addon: require(file) as NativeAddon };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    loaded = { addon: null, reason: `native addon ${file} failed to load: ${message}` };
  }
  return loaded;
}
