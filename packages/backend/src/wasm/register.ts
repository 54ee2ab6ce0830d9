// Registers the training kernels on the wasm backend. Safe to call before or after the
// wasm backend is initialised, and any number of times.
// The wasm package registers its own kernels on import; ours must replace them after.
import '@tensorflow/tfjs-backend-wasm';
import { Conv2D, Conv2DBackpropInput, FusedConv2D, getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs';
import { adamUpdateConfig, ADAM_UPDATE_KERNEL } from './adam-update.js';
import { BATCH_NORM_TRAIN_GRAD_KERNEL, BATCH_NORM_TRAIN_KERNEL, batchNormTrainConfig, batchNormTrainGradConfig } from './batch-norm-train.js';
import { MATMUL_KERNELS, untransposedMatMulConfig } from './batch-matmul.js';
import { fmaConv2dConfig, fmaMatMulConfig } from './fma/fma-kernels.js';
import { relaxedSimdAvailable } from './fma/tile-runtime.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { SHARING_KERNELS, sharingConfigs } from './identity.js';
import { LEADING_REDUCTION_KERNELS, leadingReductionConfigs } from './reduce-leading.js';
import { resizeNearestNeighborGradConfig } from './resize-nearest-grad.js';
import { tileConfig } from './tile.js';

const MARK = Symbol.for('@g2rl/backend/wasm-training-kernel');

/** The kernels registered on wasm by `registerWasmTrainingKernels`, in order. */
export const WASM_TRAINING_KERNELS = [
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  ...MATMUL_KERNELS,
  'Tile',
  'ResizeNearestNeighborGrad',
  ...LEADING_REDUCTION_KERNELS,
  ...SHARING_KERNELS,
  ADAM_UPDATE_KERNEL,
  BATCH_NORM_TRAIN_KERNEL,
  BATCH_NORM_TRAIN_GRAD_KERNEL,
] as const;

/** Convolutions that run on the FMA tile kernels when `wasmFmaEnabled()`. */
export const WASM_FMA_KERNELS = [Conv2D, FusedConv2D] as const;

/**
 * Whether the wasm kernels use fused multiply-adds (relaxed SIMD, ≈ 2× XNNPACK's products on
 * CPUs with FMA): when the engine has relaxed SIMD, unless env G2RL_WASM_FMA=0. Results then
 * round as the CPU's FMA does (bit-identical run to run on one machine, not across machines).
 */
export function wasmFmaEnabled(env = process.env.G2RL_WASM_FMA): boolean {
  return env !== '0' && relaxedSimdAvailable();
}

function isOurs(config: KernelConfig | undefined): boolean {
  return config != null && (config as unknown as Record<symbol, unknown>)[MARK] === true;
}

function replace(config: KernelConfig): void {
  if (getKernel(config.kernelName, 'wasm') != null) unregisterKernel(config.kernelName, 'wasm');
  (config as unknown as Record<symbol, unknown>)[MARK] = true;
  registerKernel(config);
}

/**
 * Makes the wasm backend able to train conv nets, fast:
 * - adds Conv2DBackpropFilter (missing in tfjs-backend-wasm 4.22: phase-grid im2col + matmul);
 * - replaces Conv2DBackpropInput (XNNPACK forward conv + phase interleave, not a scalar loop);
 * - makes BatchMatMul / _FusedMatMul multiply untransposed operands only, and with
 *   `wasmFmaEnabled()` runs them, Conv2D and FusedConv2D on fused multiply-add tiles;
 * - replaces Tile (block copies), ResizeNearestNeighborGrad (one scatter-add pass), and
 *   Sum / Mean over leading axes (pairwise halving, no transpose);
 * - makes Identity (tf.clone) and same-dtype Cast share the buffer instead of copying it;
 * - adds G2rlAdamUpdate, the fused Adam step @g2rl/models' Adam uses when it is registered;
 * - adds G2rlBatchNormTrain(+Grad), the fused training batch norm (+ ReLU) of @g2rl/models'
 *   BatchNormRelu layer.
 * Idempotent: returns the kernel names it (re)registered on this call (empty when all were
 * already in place).
 */
export function registerWasmTrainingKernels(): string[] {
  const done: string[] = [];
  if (!isOurs(getKernel('Conv2DBackpropFilter', 'wasm'))) {
    replace({ ...conv2dBackpropFilterConfig });
    done.push('Conv2DBackpropFilter');
  }
  const input = getKernel(Conv2DBackpropInput, 'wasm');
  if (!isOurs(input)) {
    replace(conv2dBackpropInputConfig(input));
    done.push(Conv2DBackpropInput);
  }
  const fma = wasmFmaEnabled();
  for (const name of MATMUL_KERNELS) {
    const original = getKernel(name, 'wasm');
    if (original == null || isOurs(original)) continue;
    replace(untransposedMatMulConfig(fma ? fmaMatMulConfig(original) : original));
    done.push(name);
  }
  for (const name of fma ? WASM_FMA_KERNELS : []) {
    const original = getKernel(name, 'wasm');
    if (original == null || isOurs(original)) continue;
    replace(fmaConv2dConfig(original));
    done.push(name);
  }
  const tile = getKernel('Tile', 'wasm');
  if (!isOurs(tile)) {
    replace(tileConfig(tile));
    done.push('Tile');
  }
  if (!isOurs(getKernel('ResizeNearestNeighborGrad', 'wasm'))) {
    replace({ ...resizeNearestNeighborGradConfig });
    done.push('ResizeNearestNeighborGrad');
  }
  const [sum, mean] = LEADING_REDUCTION_KERNELS.map((name) => getKernel(name, 'wasm'));
  if (sum != null && mean != null && !isOurs(sum) && !isOurs(mean)) {
    for (const config of leadingReductionConfigs(sum, mean)) replace(config);
    done.push(...LEADING_REDUCTION_KERNELS);
  }
  const [identity, cast] = SHARING_KERNELS.map((name) => getKernel(name, 'wasm'));
  if (identity != null && cast != null && !isOurs(identity) && !isOurs(cast)) {
    for (const config of sharingConfigs(identity, cast)) replace(config);
    done.push(...SHARING_KERNELS);
  }
  if (!isOurs(getKernel(ADAM_UPDATE_KERNEL, 'wasm'))) {
    replace({ ...adamUpdateConfig });
    done.push(ADAM_UPDATE_KERNEL);
  }
  for (const config of [batchNormTrainConfig, batchNormTrainGradConfig]) {
    if (isOurs(getKernel(config.kernelName, 'wasm'))) continue;
    replace({ ...config });
    done.push(config.kernelName);
  }
  return done;
}
