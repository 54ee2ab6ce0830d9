// Instantiates the tile kernels (tile-kernels.ts) on the wasm backend's own memory, so they
// read and write tfjs tensors in place, and says whether the fused (FMA) form can run.
import v8 from 'node:v8';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { ADAM_STEP, GATHER_ROWS, tileModuleBytes, tileName, TILE_COLS, TILE_ROWS, type TileCols } from './tile-kernels.js';

/** One tile call: (a, aRowStride, k, panel, c, cRowStride, accumulate), bytes (tile-kernels.ts). */
export type TileFunction = (a: number, aRowStride: number, k: number, panel: number, c: number, cRowStride: number, accumulate: number) => void;

/** gather_rows(dst, src, srcRowStride, tapTable, taps, segmentBytes, rows), bytes (tile-kernels.ts). */
export type GatherFunction = (dst: number, src: number, srcRowStride: number, tapTable: number, taps: number, segmentBytes: number, rows: number) => void;

/** adam_step(w, g, m, v, wOut, mOut, vOut, groups of 4, lr, β₁, β₂, ε, 1−β₁ᵗ, 1−β₂ᵗ, 1−β₁, 1−β₂) (tile-kernels.ts). */
export type AdamStepFunction = (...args: number[]) => void;

/** The batch-norm passes by export name (batch-norm-passes.ts): byte addresses and counts. */
export type BatchNormPasses = Record<string, (...args: number[]) => void>;

/** `tiles[cols][rows]`: the kernel of an MR × NR tile (index 0 unused), the gather, Adam, batch norm. */
export interface TileKernels {
  tiles: Record<TileCols, TileFunction[]>;
  gather: GatherFunction;
  adamStep: AdamStepFunction;
  batchNorm: BatchNormPasses;
}

/** The part of the WebAssembly JS API used here (this package's TypeScript libs have no DOM). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: abstract new (...args: never[]) => object;
}
const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
type WasmMemory = object;

let relaxedSimd: boolean | undefined;

/**
 * True when this JavaScript engine runs relaxed SIMD (f32x4.relaxed_madd, fused on CPUs with
 * FMA). Node 20's V8 has it behind `--experimental-wasm-relaxed-simd`: the flag is turned on
 * here, before any module that uses it is compiled (V8 reads wasm feature flags at compile
 * time; the flag changes nothing else). Node ≥ 22 and current browsers have it on already.
 */
export function relaxedSimdAvailable(): boolean {
  if (relaxedSimd !== undefined) return relaxedSimd;
  const probe = tileModuleBytes(true);
  if (!wasm.validate(probe)) {
    try {
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    } catch {
      // not Node, or flags locked: stays unavailable
    }
  }
  relaxedSimd = wasm.validate(probe);
  return relaxedSimd === true;
}

const instances = new WeakMap<WasmMemory, TileKernels>();

/** The wasm backend's WebAssembly.Memory (tfjs-backend-wasm 4.22 exports it as `asm.memory`). */
function backendMemory(backend: BackendWasm): WasmMemory {
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  if (!(memory instanceof wasm.Memory)) {
    throw new Error('@g2rl/backend: the wasm backend does not export its memory (tfjs-backend-wasm 4.22 expected)');
  }
  return memory;
}

/** The fused tile kernels bound to `backend`'s memory (compiled once per memory). */
export function tileKernels(backend: BackendWasm): TileKernels {
  const memory = backendMemory(backend);
  let kernels = instances.get(memory);
  if (kernels == null) {
    if (!relaxedSimdAvailable()) throw new Error('@g2rl/backend: relaxed SIMD is not available for the FMA kernels');
    const module = new wasm.Module(tileModuleBytes(true));
    const exports = new wasm.Instance(module, { env: { memory } }).exports as Record<string, TileFunction>;
    kernels = {
      tiles: { 8: [], 4: [] },
      gather: exports[GATHER_ROWS] as unknown as GatherFunction,
      adamStep: exports[ADAM_STEP] as unknown as AdamStepFunction,
      batchNorm: exports as unknown as BatchNormPasses,
    };
    for (const cols of TILE_COLS) {
      for (let rows = 1; rows <= TILE_ROWS; rows++) kernels.tiles[cols][rows] = exports[tileName(rows, cols)]!;
    }
    instances.set(memory, kernels);
  }
  return kernels;
}
