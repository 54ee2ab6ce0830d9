// BatchMatMul / _FusedMatMul for wasm with transposed operands. wasm's XNNPACK path is
// fast only for untransposed operands (measured 12× slower with transposeB and 50× with
// transposeA on 1024×512·512×512); Dense layers' gradients use both. Transposing the
// operand once (one memory pass) and multiplying untransposed is far cheaper.
import {
  BatchMatMul,
  _FusedMatMul,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapF32, heapIndex, release } from './kernel-calls.js';
import { transpose2d } from './transpose2d.js';

/** `…×R×C` → `…×C×R` (float32, blocked JS transpose on the heap: wasm's Transpose is slow). */
function transposeLastTwo(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const rows = x.shape[rank - 2]!;
  const cols = x.shape[rank - 1]!;
  const outShape = [...x.shape.slice(0, -2), cols, rows];
  const out = backend.makeOutput(outShape, 'float32');
  const count = x.shape.slice(0, -2).reduce((a, b) => a * b, 1);
  transpose2d(heapF32(backend), heapIndex(backend, x), rows, cols, heapIndex(backend, out), count);
  return out;
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
    const floats = inputs.a!.dtype === 'float32' && inputs.b!.dtype === 'float32';
    if ((!transposeA && !transposeB) || !floats) return run(args as never);
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
