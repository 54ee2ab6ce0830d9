// BatchMatMul / _FusedMatMul for wasm with transposed operands. wasm's XNNPACK path is
// fast only for untransposed operands (measured 12× slower with transposeB and 50× with
// transposeA on 1024×512·512×512); Dense layers' gradients use both. Transposing the
// operand once in C++ (a memory pass) and multiplying untransposed is far cheaper.
import {
  BatchMatMul,
  _FusedMatMul,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { callWasmKernel, release } from './kernel-calls.js';

/** `…×R×C` → `…×C×R` with wasm's Transpose kernel. */
function transposeLastTwo(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return callWasmKernel('Transpose', backend, { x }, { perm });
}

/**
 * Wraps the original kernel: transposed operands (`transposeA` / `transposeB`) are
 * materialised first, then `original` runs with both flags false. Shapes: a `…×M×K`
 * (or `…×K×M` with transposeA), b `…×K×N` (or `…×N×K` with transposeB) → `…×M×N`.
 */
export function untransposedMatMulConfig(original: KernelConfig): KernelConfig {
  const run = original.kernelFunc;
  const kernelFunc = (args: { inputs: Record<string, TensorInfo>; backend: BackendWasm; attrs: NamedAttrMap }) => {
    const { inputs, backend, attrs } = args;
    const transposeA = attrs.transposeA === true;
    const transposeB = attrs.transposeB === true;
    if (!transposeA && !transposeB) return run(args as never);
    const a = transposeA ? transposeLastTwo(backend, inputs.a!) : inputs.a!;
    const b = transposeB ? transposeLastTwo(backend, inputs.b!) : inputs.b!;
    try {
      return run({
        inputs: { ...inputs, a, b },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      } as never);
    } finally {
      if (transposeA) release(backend, a);
      if (transposeB) release(backend, b);
    }
  };
  return {
    kernelName: original.kernelName,
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    disposeFunc: original.disposeFunc,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}

/** Kernel names whose transposed forms this package rewrites. */
export const MATMUL_KERNELS = [BatchMatMul, _FusedMatMul] as const;
