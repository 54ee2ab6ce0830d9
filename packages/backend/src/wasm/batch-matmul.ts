// BatchMatMul / _FusedMatMul for wasm with transposed operands. wasm's XNNPACK path is
// fast only for untransposed operands (measured 12× slower with transposeB and 50× with
// transposeA on 1024×512·512×512); Dense layers' gradients use both. Transposing the
// operand once (one memory pass) and multiplying untransposed is far cheaper.
import {
  BatchMatMul,
  _FusedMatMul,
  type KernelConfig,
  type NamedAttrMap,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapF32, heapIndex, release, replaceKernelFunc } from './kernel-calls.js';
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

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Wraps the original kernel so that it only ever multiplies untransposed operands.
 * Shapes: a `…×M×K` (or `…×K×M` with transposeA), b `…×K×N` (or `…×N×K` with
 * transposeB) → `…×M×N`. Two ways, whichever moves fewer values (XNNPACK repacks the
 * RIGHT operand on every call, so that one counts as a copy too):
 *  1. materialise op(a), op(b) and multiply:                 copies op(a)?, op(b)?, packs op(b);
 *  2. Cᵀ = op(b)ᵀ·op(a)ᵀ (op(b)ᵀ = b itself under transposeB), then transpose Cᵀ:
 *                                        copies op(b)ᵀ?, op(a)ᵀ?, packs op(a)ᵀ, transposes C.
 * Way 2 turns a Dense layer's dx = dy·Wᵀ (big W) from ≈10 ms into ≈2 ms. Fused matMuls
 * (bias, activation on C) always take way 1.
 */
export function untransposedMatMulConfig(original: KernelConfig): KernelConfig {
  const run = original.kernelFunc;
  const fused = original.kernelName === _FusedMatMul;
  const kernelFunc = (args: { inputs: Record<string, TensorInfo>; backend: BackendWasm; attrs: NamedAttrMap }) => {
    const { inputs, backend, attrs } = args;
    const transposeA = attrs.transposeA === true;
    const transposeB = attrs.transposeB === true;
    const a = inputs.a!;
    const b = inputs.b!;
    if ((!transposeA && !transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32') return run(args as never);
    const sizeA = size(a.shape);
    const sizeB = size(b.shape);
    const M = transposeA ? a.shape[a.shape.length - 1]! : a.shape[a.shape.length - 2]!;
    const N = transposeB ? b.shape[b.shape.length - 2]! : b.shape[b.shape.length - 1]!;
    const sizeC = Math.max(size(a.shape.slice(0, -2)), size(b.shape.slice(0, -2))) * M * N;
    const way1 = (transposeA ? sizeA : 0) + (transposeB ? sizeB : 0) + sizeB;
    const way2 = (transposeB ? 0 : sizeB) + (transposeA ? 0 : sizeA) + sizeA + sizeC;
    const untransposed = { ...attrs, transposeA: false, transposeB: false };
    if (fused || way1 <= way2) {
      const left = transposeA ? transposeLastTwo(backend, a) : a;
      const right = transposeB ? transposeLastTwo(backend, b) : b;
      try {
        return run({ inputs: { ...inputs, a: left, b: right }, backend, attrs: untransposed } as never);
      } finally {
        if (transposeA) release(backend, left);
        if (transposeB) release(backend, right);
      }
    }
    const left = transposeB ? b : transposeLastTwo(backend, b); // op(b)ᵀ: …×N×K
    const right = transposeA ? a : transposeLastTwo(backend, a); // op(a)ᵀ: …×K×M
    const cT = run({ inputs: { a: left, b: right }, backend, attrs: untransposed } as never) as TensorInfo;
    if (!transposeB) release(backend, left);
    if (!transposeA) release(backend, right);
    const c = transposeLastTwo(backend, cT);
    release(backend, cT);
    return c;
  };
  return replaceKernelFunc(original, kernelFunc);
}

/** Kernel names whose transposed forms this package rewrites. */
export const MATMUL_KERNELS = [BatchMatMul, _FusedMatMul] as const;
