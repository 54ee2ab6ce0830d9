// The `native` tfjs backend: the `cpu` backend's tensor storage (typed arrays in JS memory,
// MathBackendCPU; native kernels' outputs recycled, see pool.ts) with the hot kernels replaced
// by the addon's. Every kernel not replaced is
// the `cpu` backend's own, registered again under 'native'.
import {
  env,
  findBackendFactory,
  getKernelsForBackend,
  registerBackend,
  registerKernel,
  type BackendValues,
  type DataId,
  type DataType,
  type KernelConfig,
  type KernelFunc,
} from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { loadAddon, type NativeAddon } from './addon.js';
import { BufferPool, poolLimitBytes } from './pool.js';
import { precisionFromEnv, setNativePrecision } from './precision.js';
import { RELU_GRAD_KERNEL, SQUARE_GRAD_KERNEL, installActivationGradients, reluGradKernel, squareGradKernel } from './kernels/activation-grad.js';
import { ADAM_UPDATE_KERNEL, ADAM_UPDATE_MANY_KERNEL, adamUpdateKernel, adamUpdateManyKernel } from './kernels/adam.js';
import { BATCH_NORM_GRAD_KERNEL, batchNormGradKernel, installBatchNormGradient } from './kernels/batch-norm-grad.js';
import { BATCH_NORM_TRAIN_GRAD_KERNEL, BATCH_NORM_TRAIN_KERNEL, batchNormTrainGradKernel, batchNormTrainKernel } from './kernels/batch-norm-train.js';
import { cast, fill } from './kernels/cast.js';
import { concat, pack, unpack } from './kernels/concat.js';
import {
  conv2D,
  conv2DBackpropFilter,
  conv2DBackpropInput,
  depthwiseConv2dNative,
  depthwiseConv2dNativeBackpropFilter,
  depthwiseConv2dNativeBackpropInput,
  fusedConv2D,
  fusedDepthwiseConv2D,
} from './kernels/convolution.js';
import { elementwiseKernels } from './kernels/elementwise.js';
import { batchMatMul, fusedMatMul } from './kernels/matmul.js';
import { reduceKernels } from './kernels/reduce.js';
import { EXPAND_REDUCED_KERNEL, expandReducedKernel, installReductionGradients } from './kernels/reduce-grad.js';
import { padV2 } from './kernels/pad.js';
import { avgPool, maxPool } from './kernels/pooling.js';
import { resizeBilinear, resizeBilinearGrad, resizeNearestNeighbor, resizeNearestNeighborGrad } from './kernels/resize.js';
import { expandDims, identity, reshape } from './kernels/shape.js';
import { slice, splitV, transpose } from './kernels/layout.js';
import { tile } from './kernels/tile.js';
import { topK } from './kernels/topk.js';
import type { NativeKernel, NativeKernelArgs } from './kernels/util.js';

/** The tfjs backend name this package registers. */
export const NATIVE_BACKEND_NAME = 'native';

/** Every kernel the addon runs, by tfjs kernel name. */
export function nativeKernels(): Record<string, NativeKernel> {
  return {
    Conv2D: conv2D,
    FusedConv2D: fusedConv2D,
    Conv2DBackpropInput: conv2DBackpropInput,
    Conv2DBackpropFilter: conv2DBackpropFilter,
    DepthwiseConv2dNative: depthwiseConv2dNative,
    FusedDepthwiseConv2D: fusedDepthwiseConv2D,
    DepthwiseConv2dNativeBackpropInput: depthwiseConv2dNativeBackpropInput,
    DepthwiseConv2dNativeBackpropFilter: depthwiseConv2dNativeBackpropFilter,
    MaxPool: maxPool,
    AvgPool: avgPool,
    BatchMatMul: batchMatMul,
    _FusedMatMul: fusedMatMul,
    ResizeNearestNeighbor: resizeNearestNeighbor,
    ResizeNearestNeighborGrad: resizeNearestNeighborGrad,
    ResizeBilinear: resizeBilinear,
    ResizeBilinearGrad: resizeBilinearGrad,
    Concat: concat,
    Pack: pack,
    Unpack: unpack,
    PadV2: padV2,
    Cast: cast,
    Fill: fill,
    Reshape: reshape,
    ExpandDims: expandDims,
    Identity: identity,
    Tile: tile,
    Transpose: transpose,
    Slice: slice,
    SplitV: splitV,
    TopK: topK,
    [BATCH_NORM_GRAD_KERNEL]: batchNormGradKernel,
    [BATCH_NORM_TRAIN_KERNEL]: batchNormTrainKernel,
    [BATCH_NORM_TRAIN_GRAD_KERNEL]: batchNormTrainGradKernel,
    [ADAM_UPDATE_KERNEL]: adamUpdateKernel,
    [ADAM_UPDATE_MANY_KERNEL]: adamUpdateManyKernel,
    [RELU_GRAD_KERNEL]: reluGradKernel,
    [SQUARE_GRAD_KERNEL]: squareGradKernel,
    [EXPAND_REDUCED_KERNEL]: expandReducedKernel,
    ...elementwiseKernels(),
    ...reduceKernels(),
  };
}

/** Whether the addon is built and loads; see nativeStatus() for why not. */
export function isNativeAvailable(): boolean {
  return loadAddon().addon != null;
}

/** The addon's state: oneDNN version and threads when available, else the reason. */
export function nativeStatus(): { available: boolean; reason?: string; onednn?: string; threads?: number } {
  const { addon, reason } = loadAddon();
  if (!addon) return { available: false, reason };
  const info = addon.info();
  return { available: true, onednn: info.onednn, threads: info.threads };
}

let registered = false;

/**
 * The cpu backend's storage plus a pool of recycled output buffers (see pool.ts): every array
 * the backend hands out (readSync/read) is pinned, every registration is recorded, and a
 * native kernel's output goes back to the pool when its tensor's data is released.
 */
export class NativeBackend extends MathBackendCPU {
  readonly pool = new BufferPool(poolLimitBytes());

  override write(values: BackendValues, shape: number[], dtype: DataType): DataId {
    const dataId = super.write(values, shape, dtype);
    this.pool.register(values, dataId);
    return dataId;
  }

  override move(dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    super.move(dataId, values, shape, dtype, refCount);
    this.pool.register(values, dataId);
  }

  // (MathBackendCPU.read calls readSync: async reads pin too.)
  override readSync(dataId: DataId): BackendValues {
    const values = super.readSync(dataId);
    this.pool.pin(values);
    return values;
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const values = this.data.get(dataId)?.values;
    const released = super.disposeData(dataId, force);
    if (released && values != null && !this.data.has(dataId)) this.pool.release(values, dataId);
    return released;
  }
}

/**
 * MathBackendCPU greets Node users with a console banner recommending tfjs-node; under the
 * `native` backend that advice is wrong, so it is built with the banner switched off.
 */
function quietNativeBackend(): NativeBackend {
  const flags = env();
  const wasTest = flags.getBool('IS_TEST');
  flags.set('IS_TEST', true);
  try {
    return new NativeBackend();
  } finally {
    flags.set('IS_TEST', wasTest);
  }
}

/**
 * Registers the `native` backend and its kernels (idempotent) and returns its name. Throws,
 * saying why and how to fix it, when the addon was not built. Does not make it the active
 * backend: call `tf.setBackend('native')` (or @g2rl/backend's initBackend).
 */
export function registerNativeBackend(): string {
  const { addon, reason } = loadAddon();
  if (!addon) throw new Error(`@g2rl/backend-native: ${reason}`);
  if (!registered) setNativePrecision(precisionFromEnv());
  if (registered || findBackendFactory(NATIVE_BACKEND_NAME) != null) {
    registered = true;
    return NATIVE_BACKEND_NAME;
  }
  // Priority 0: never chosen implicitly over tfjs's own defaults; selected by name.
  registerBackend(NATIVE_BACKEND_NAME, () => quietNativeBackend(), 0);
  const natives = nativeKernels();
  for (const config of getKernelsForBackend('cpu')) {
    if (config.kernelName in natives) continue;
    registerKernel({ ...config, backendName: NATIVE_BACKEND_NAME });
  }
  for (const [kernelName, kernel] of Object.entries(natives)) {
    registerKernel(nativeKernelConfig(kernelName, kernel, addon));
  }
  installBatchNormGradient(NATIVE_BACKEND_NAME);
  installReductionGradients(NATIVE_BACKEND_NAME);
  installActivationGradients(NATIVE_BACKEND_NAME);
  registered = true;
  return NATIVE_BACKEND_NAME;
}

function nativeKernelConfig(kernelName: string, kernel: NativeKernel, addon: NativeAddon): KernelConfig {
  const kernelFunc = (args: unknown) => kernel(args as NativeKernelArgs, addon);
  return { kernelName, backendName: NATIVE_BACKEND_NAME, kernelFunc: kernelFunc as unknown as KernelFunc };
}
