// The binary writer against the spec's encodings, and the generated tile module against the
// engine's validator (both forms) and JavaScript loops.
import { describe, expect, it } from 'vitest';
import { seededValues } from '../test-support.js';
import { sleb, uleb } from './wasm-module-bytes.js';
import { GATHER_ROWS, tileModuleBytes, tileName } from './tile-kernels.js';
import { relaxedSimdAvailable } from './tile-runtime.js';

// This package's TypeScript libs have no DOM, hence no WebAssembly types.
const WebAssembly = (globalThis as unknown as { WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer };
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>;
} }).WebAssembly;

async function instantiate(fused: boolean) {
  relaxedSimdAvailable();
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { instance } = await WebAssembly.instantiate(tileModuleBytes(fused), { env: { memory } });
  return { f: new Float32Array(memory.buffer), ints: new Int32Array(memory.buffer), exports: instance.exports as Record<string, (...args: number[]) => void> };
}

describe('wasm module bytes', () => {
  it('LEB128 as in the spec (§5.2.2)', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it('the plain-SIMD tile module validates everywhere; the fused one once relaxed SIMD is on', () => {
    expect(WebAssembly.validate(tileModuleBytes(false))).toBe(true);
    expect(relaxedSimdAvailable()).toBe(true);
    expect(WebAssembly.validate(tileModuleBytes(true))).toBe(true);
  });

  for (const fused of [false, true]) {
    for (const [rows, cols] of [[5, 8], [6, 4], [1, 8]] as const) {
      it(`a ${fused ? 'fused' : 'plain'} ${rows}×${cols} tile, fresh and accumulating, equals a JavaScript loop`, async () => {
        const { f, exports } = await instantiate(fused);
        const tile = exports[tileName(rows, cols)]!;
        const [A, P, C] = [0, 2000, 4000]; // float indices
        const rowStride = 30;
        const k = 23;
        f.set(seededValues(2000, 1), A);
        f.set(seededValues(k * cols, 2), P);
        const start = seededValues(rows * cols, 3);
        for (const accumulate of [0, 1]) {
          f.set(start, C);
          const expected: number[] = [];
          for (let r = 0; r < rows; r++) {
            for (let n = 0; n < cols; n++) {
              let s = accumulate ? start[r * cols + n]! : 0;
              for (let i = 0; i < k; i++) s += f[A + r * rowStride + i]! * f[P + i * cols + n]!;
              expected.push(s);
            }
          }
          tile(4 * A, 4 * rowStride, k, 4 * P, 4 * C, 4 * cols, accumulate);
          Array.from(f.subarray(C, C + rows * cols)).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
        }
      });
    }
  }

  it('gather_rows copies each row\'s tap segments into contiguous rows', async () => {
    const { f, ints, exports } = await instantiate(true);
    const [SRC, DST, TAB] = [0, 3000, 5000];
    f.set(seededValues(3000, 4), SRC);
    const taps = [0, 7, 40]; // float offsets
    taps.forEach((t, i) => (ints[TAB + i] = 4 * t));
    const [rows, segment, rowStride] = [4, 5, 11];
    exports[GATHER_ROWS]!(4 * DST, 4 * SRC, 4 * rowStride, 4 * TAB, taps.length, 4 * segment, rows);
    for (let r = 0; r < rows; r++) {
      taps.forEach((t, ti) => {
        for (let j = 0; j < segment; j++) expect(f[DST + (r * taps.length + ti) * segment + j]).toBe(f[SRC + r * rowStride + t + j]);
      });
    }
  });
});
