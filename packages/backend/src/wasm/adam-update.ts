// The fused Adam update for wasm: G2rlAdamUpdate(variable, gradient, m, v) → [variable', m', v']
// in one pass over the heap, where @g2rl/models' Adam otherwise chains ~12 full-size tfjs ops
// per variable (≈ 460 small kernels per training step of the `small` model). Same name and
// contract as @g2rl/backend-native's kernel; @g2rl/models' Adam uses whichever the active
// backend registers. Each operation is rounded to float32 (Math.fround), as the tfjs kernels
// store every intermediate, so the result equals the unfused ops bit for bit.
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tileKernels } from './fma/tile-runtime.js';
import { heapF32, heapIndex } from './kernel-calls.js';
import { wasmFmaEnabled } from './register.js';

/** The kernel's name: @g2rl/models' FUSED_ADAM_KERNEL, @g2rl/backend-native's ADAM_UPDATE_KERNEL. */
export const ADAM_UPDATE_KERNEL = 'G2rlAdamUpdate';

const HYPER = ['learningRate', 'beta1', 'beta2', 'epsilon', 'firstCorrection', 'secondCorrection'] as const;

/**
 * inputs: variable, gradient, m, v (float32, one shape); attrs: learningRate, beta1, beta2,
 * epsilon, firstCorrection (1 − β₁ᵗ), secondCorrection (1 − β₂ᵗ) → [variable', m', v']:
 *   m' = m·β₁ + g·(1−β₁);  v' = v·β₂ + g²·(1−β₂);  w' = w − ((m'/(1−β₁ᵗ)) / (√(v'/(1−β₂ᵗ)) + ε))·lr
 * with every constant a float32 scalar, as tfjs makes it.
 */
export function adamUpdateWasm(args: { inputs: Record<string, TensorInfo | undefined>; backend: BackendWasm; attrs: NamedAttrMap }): TensorInfo[] {
  const { inputs, backend, attrs } = args;
  const names = ['variable', 'gradient', 'm', 'v'] as const;
  const shape = inputs.variable?.shape;
  for (const name of names) {
    const t = inputs[name];
    if (t == null || shape == null || t.dtype !== 'float32' || t.shape.join() !== shape.join()) {
      throw new Error(
        `@g2rl/backend (wasm) ${ADAM_UPDATE_KERNEL}: input '${name}' must be float32 of the variable's shape [${shape?.join(', ')}], ` +
          `got ${t?.dtype} [${t?.shape?.join(', ')}]`,
      );
    }
  }
  const [lr, beta1, beta2, epsilon, firstCorrection, secondCorrection] = HYPER.map((name) => {
    const value = attrs[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`@g2rl/backend (wasm) ${ADAM_UPDATE_KERNEL}: attribute '${name}' must be a finite number, got ${String(value)}`);
    }
    return Math.fround(value);
  }) as number[];
  const oneMinusBeta1 = Math.fround(1 - (attrs.beta1 as number));
  const oneMinusBeta2 = Math.fround(1 - (attrs.beta2 as number));
  const outs = [0, 1, 2].map(() => backend.makeOutput([...shape!], 'float32'));
  const heap = heapF32(backend);
  const [w, g, m, v] = names.map((name) => heapIndex(backend, inputs[name]!));
  const [wOut, mOut, vOut] = outs.map((out) => heapIndex(backend, out));
  const f = Math.fround;
  const size = shape!.reduce((p, d) => p * d, 1);
  let start = 0;
  if (wasmFmaEnabled()) {
    // The SIMD pass (same float32 operations, 4 at a time; ≈ 20× the loop below), then the tail.
    const groups = Math.floor(size / 4);
    tileKernels(backend).adamStep(4 * w!, 4 * g!, 4 * m!, 4 * v!, 4 * wOut!, 4 * mOut!, 4 * vOut!, groups,
      lr!, beta1!, beta2!, epsilon!, firstCorrection!, secondCorrection!, oneMinusBeta1, oneMinusBeta2);
    start = 4 * groups;
  }
  for (let i = start; i < size; i++) {
    const gi = heap[g! + i]!;
    const mNew = f(f(heap[m! + i]! * beta1!) + f(gi * oneMinusBeta1));
    const vNew = f(f(heap[v! + i]! * beta2!) + f(f(gi * gi) * oneMinusBeta2));
    const mHat = f(mNew / firstCorrection!);
    const denominator = f(f(Math.sqrt(f(vNew / secondCorrection!))) + epsilon!);
    heap[wOut! + i] = f(heap[w! + i]! - f(f(mHat / denominator) * lr!));
    heap[mOut! + i] = mNew;
    heap[vOut! + i] = vNew;
  }
  return outs;
}

export const adamUpdateConfig: KernelConfig = {
  kernelName: ADAM_UPDATE_KERNEL,
  backendName: 'wasm',
  kernelFunc: adamUpdateWasm as unknown as KernelFunc,
};
