// Tile for wasm by block copies. tfjs-backend-wasm's C++ Tile computes an index per
// element (≈35 ms to broadcast a 1×1×1×32 vector to 16×64×64×32); batch-norm gradients
// tile every per-channel statistic to the full activation shape, so it adds up.
import { Tile, type KernelConfig, type KernelFunc, type TensorInfo, type TileAttrs } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapIndex } from './kernel-calls.js';

type Heap = Float32Array | Int32Array | Uint8Array;

/**
 * Writes `x` (shape `shape`, starting at `heap[src]`) tiled `reps` times along each axis
 * to `heap[dst …]` (shape `shape[i]·reps[i]`, row-major). First places x in the first
 * replica, then, from the innermost axis out, duplicates whole contiguous blocks.
 */
export function tileInto(heap: Heap, src: number, shape: readonly number[], reps: readonly number[], dst: number): void {
  const rank = shape.length;
  if (reps.length !== rank) throw new Error(`tileInto: reps has ${reps.length} entries, shape has ${rank}`);
  const outShape = shape.map((s, i) => s * reps[i]!);
  // outStride[i] = number of elements of one step along axis i of the output.
  const outStride = new Array<number>(rank + 1).fill(1);
  for (let i = rank - 1; i >= 0; i--) outStride[i] = outStride[i + 1]! * outShape[i]!;
  if (rank === 0 || outStride[0] === 0) {
    if (rank === 0) heap[dst] = heap[src]!;
    return;
  }
  const inner = shape[rank - 1]!;
  // Offsets (in the output) of every first-replica position of axes [0, d).
  const prefixOffsets = (d: number): number[] => {
    let offsets = [0];
    for (let k = 0; k < d; k++) {
      const next: number[] = [];
      for (const o of offsets) for (let i = 0; i < shape[k]!; i++) next.push(o + i * outStride[k + 1]!);
      offsets = next;
    }
    return offsets;
  };
  // 1. x into the first replica: its rows (last axis) are contiguous in both.
  const rows = prefixOffsets(rank - 1);
  for (let r = 0; r < rows.length; r++) {
    heap.copyWithin(dst + rows[r]!, src + r * inner, src + (r + 1) * inner);
  }
  // 2. Replicate along each axis, innermost first: the block below axis d is complete.
  for (let d = rank - 1; d >= 0; d--) {
    if (reps[d] === 1) continue;
    const block = shape[d]! * outStride[d + 1]!;
    for (const o of prefixOffsets(d)) {
      const start = dst + o;
      // Doubling: copy what is there already, so log2(reps) calls per block.
      let filled = 1;
      while (filled < reps[d]!) {
        const n = Math.min(filled, reps[d]! - filled);
        heap.copyWithin(start + filled * block, start, start + n * block);
        filled += n;
      }
    }
  }
}

function heapFor(backend: BackendWasm, dtype: string): Heap | undefined {
  const buffer = (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8.buffer;
  if (dtype === 'float32') return new Float32Array(buffer);
  if (dtype === 'int32') return new Int32Array(buffer);
  if (dtype === 'bool') return new Uint8Array(buffer);
  return undefined;
}

/** Tile kernel config replacing wasm's; other dtypes (string, complex) go to `original`. */
export function tileConfig(original?: KernelConfig): KernelConfig {
  const kernelFunc = (args: { inputs: { x: TensorInfo }; backend: BackendWasm; attrs: TileAttrs }) => {
    const { inputs: { x }, backend, attrs: { reps } } = args;
    if (heapFor(backend, x.dtype) == null) {
      if (original == null) throw new Error(`Tile (wasm): dtype ${x.dtype} is not supported`);
      return original.kernelFunc(args as never);
    }
    const out = backend.makeOutput(x.shape.map((s, i) => s * reps[i]!), x.dtype);
    const heap = heapFor(backend, x.dtype)!;
    const bytes = heap.BYTES_PER_ELEMENT;
    const src = (heapIndex(backend, x) * 4) / bytes;
    const dst = (heapIndex(backend, out) * 4) / bytes;
    if (out.shape.every((s) => s > 0)) tileInto(heap, src, x.shape, reps, dst);
    return out;
  };
  return {
    kernelName: Tile,
    backendName: 'wasm',
    setupFunc: original?.setupFunc,
    kernelFunc: kernelFunc as unknown as KernelFunc,
  };
}
