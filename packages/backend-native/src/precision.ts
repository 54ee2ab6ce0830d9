// The precision of the native convolutions: 'fp32', or 'bf16' mixed precision (dense
// convolutions and their gradients take bf16 inputs with fp32 accumulation and fp32 outputs;
// tfjs's tensors — the weights Adam updates included — stay fp32). Per JS thread: each
// worker_thread that registers the backend reads G2RL_NATIVE_PRECISION itself.
import { loadAddon } from './addon.js';

export type NativePrecision = 'fp32' | 'bf16';

let current: NativePrecision = 'fp32';

/** G2RL_NATIVE_PRECISION ('fp32' default, or 'bf16'); throws naming the variable for any other value. */
export function precisionFromEnv(value = process.env.G2RL_NATIVE_PRECISION): NativePrecision {
  if (value == null || value === '' || value === 'fp32') return 'fp32';
  if (value === 'bf16') return 'bf16';
  throw new Error(`@g2rl/backend-native: G2RL_NATIVE_PRECISION must be 'fp32' or 'bf16', got '${value}'`);
}

/**
 * Sets the precision of this thread's later native convolutions. 'bf16' throws (saying so) on
 * a CPU without AVX512_BF16; returns the previous precision.
 */
export function setNativePrecision(precision: NativePrecision): NativePrecision {
  if (precision !== 'fp32' && precision !== 'bf16') {
    throw new Error(`@g2rl/backend-native setNativePrecision: expected 'fp32' or 'bf16', got '${String(precision)}'`);
  }
  const { addon, reason } = loadAddon();
  if (!addon) throw new Error(`@g2rl/backend-native: ${reason}`);
  addon.setConvPrecision(precision);
  const previous = current;
  current = precision;
  return previous;
}

/** The precision native convolutions run at on this thread. */
export function nativePrecision(): NativePrecision {
  return current;
}
