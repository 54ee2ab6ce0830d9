// The tile kernels of the FMA matrix products, generated for every tile shape MR × NR
// (MR = 1…6 rows, NR = 8 or 4 columns). One call computes C_tile (MR×NR) of
//   C[r, n] (+)= Σ_{k < K} A[a + r·aRowStride + 4k] · P[k, n]
// over a packed panel P of the right operand (NR consecutive columns, row after row).
// A convolution uses the same tiles: `gather_rows` first copies a tile's 6 output pixels'
// receptive fields (taps × C_in values each) into a small contiguous A, which stays in L1
// while every panel of the filter passes over it — no full im2col.
// Why generated, and why this shape: the MR·NR/4 accumulators must be separate locals to
// stay in registers (6 × 8 → 12 v128 accumulators + 2 panel vectors + 1 broadcast = 15 of
// x64's 16 xmm), and V8's TurboFan (Node 20) keeps them there only if nothing but the
// stores follows the reduction loop: a bias/ReLU epilogue after it, or one loop per filter
// tap, halved the speed (52 → 24 GFLOP/s, measured). So the epilogue is a separate pass.
import { batchNormPassFunctions } from './batch-norm-passes.js';
import { F32, FunctionBuilder, I32, moduleBytes, V128 } from './wasm-module-bytes.js';

/** Tile rows the kernels are generated for (the largest is the fast path). */
export const TILE_ROWS = 6;
/** Tile widths: a full panel is 8 columns, a last panel of 4 takes the narrow kernel. */
export const TILE_COLS = [8, 4] as const;
export type TileCols = (typeof TILE_COLS)[number];

/** Export name of the kernel for an MR × NR tile. */
export const tileName = (rows: number, cols: TileCols) => `tile_${rows}x${cols}`;
/** Export name of the receptive-field gather. */
export const GATHER_ROWS = 'gather_rows';
/** Export name of the Adam update (adam-update.ts). */
export const ADAM_STEP = 'adam_step';

/**
 * Parameters, all i32 byte addresses or counts: (a, aRowStride, k, panel, c, cRowStride,
 * accumulate). The panel is read sequentially, NR floats per k; `accumulate` ≠ 0 starts
 * from C's values instead of 0.
 */
function tileKernel(rows: number, cols: TileCols, fused: boolean): FunctionBuilder {
  const f = new FunctionBuilder(new Array(7).fill(I32));
  const [a, aRowStride, k, panel, c, cRowStride, accumulate] = [0, 1, 2, 3, 4, 5, 6];
  const halves = cols / 4;
  const acc = Array.from({ length: rows }, () => Array.from({ length: halves }, () => f.local(V128)));
  const b = Array.from({ length: halves }, () => f.local(V128));
  const av = f.local(V128);
  const rowPtr = Array.from({ length: rows }, () => f.local(I32));
  const end = f.local(I32);
  const rowAddress = (base: number, stride: number, r: number) => {
    f.get(base);
    if (r > 0) f.get(stride).i32(r).mul().add();
  };

  f.get(accumulate).if();
  for (let r = 0; r < rows; r++) {
    for (let h = 0; h < halves; h++) {
      rowAddress(c, cRowStride, r);
      f.loadV128(16 * h).set(acc[r]![h]!);
    }
  }
  f.else();
  for (let r = 0; r < rows; r++) for (let h = 0; h < halves; h++) f.zeroV128().set(acc[r]![h]!);
  f.end();

  for (let r = 0; r < rows; r++) {
    rowAddress(a, aRowStride, r);
    f.set(rowPtr[r]!);
  }
  f.get(panel).get(k).i32(4 * cols).mul().add().set(end);
  // for k: one panel row (NR floats) against one value of each tile row
  f.block().loop();
  f.get(panel).get(end).geU().brIf(1);
  for (let h = 0; h < halves; h++) f.get(panel).loadV128(16 * h).set(b[h]!);
  for (let r = 0; r < rows; r++) {
    f.get(rowPtr[r]!).splat32().set(av);
    for (let h = 0; h < halves; h++) {
      if (fused) f.get(av).get(b[h]!).get(acc[r]![h]!).f32x4RelaxedMadd();
      else f.get(av).get(b[h]!).f32x4Mul().get(acc[r]![h]!).f32x4Add();
      f.set(acc[r]![h]!);
    }
    f.get(rowPtr[r]!).i32(4).add().set(rowPtr[r]!);
  }
  f.get(panel).i32(4 * cols).add().set(panel);
  f.br(0).end().end();

  for (let r = 0; r < rows; r++) {
    for (let h = 0; h < halves; h++) {
      rowAddress(c, cRowStride, r);
      f.get(acc[r]![h]!).storeV128(16 * h);
    }
  }
  return f;
}

/**
 * gather_rows(dst, src, srcRowStride, tapTable, taps, segmentBytes, rows): for each of `rows`
 * rows r and each tap t, copies `segmentBytes` from src + r·srcRowStride + tapTable[t] to
 * dst + (r·taps + t)·segmentBytes — a tile's receptive fields as contiguous rows.
 */
function gatherRows(): FunctionBuilder {
  const f = new FunctionBuilder(new Array(7).fill(I32));
  const [dst, src, srcRowStride, tapTable, taps, segmentBytes, rows] = [0, 1, 2, 3, 4, 5, 6];
  const r = f.local(I32);
  const t = f.local(I32);
  const row = f.local(I32);
  f.i32(0).set(r);
  f.block().loop();
  f.get(r).get(rows).geU().brIf(1);
  f.get(src).get(r).get(srcRowStride).mul().add().set(row);
  f.i32(0).set(t);
  f.block().loop();
  f.get(t).get(taps).geU().brIf(1);
  f.get(dst); // dst, then advance it by one segment
  f.get(row).get(tapTable).get(t).i32(4).mul().add().loadI32().add();
  f.get(segmentBytes).memoryCopy();
  f.get(dst).get(segmentBytes).add().set(dst);
  f.get(t).i32(1).add().set(t);
  f.br(0).end().end();
  f.get(r).i32(1).add().set(r);
  f.br(0).end().end();
  return f;
}

/**
 * adam_step(w, g, m, v, wOut, mOut, vOut, groups, lr, β₁, β₂, ε, 1−β₁ᵗ, 1−β₂ᵗ, 1−β₁, 1−β₂):
 * `groups` × 4 floats of the Adam update (adam-update.ts), every operation a separate
 * float32 SIMD instruction in the op chain's order — no fused multiply-add, so the result is
 * the unfused tfjs ops' bit for bit.
 */
function adamStep(): FunctionBuilder {
  const f = new FunctionBuilder([...new Array(8).fill(I32), ...new Array(8).fill(F32)]);
  const [w, g, m, v, wOut, mOut, vOut, groups] = [0, 1, 2, 3, 4, 5, 6, 7];
  const scalars = [8, 9, 10, 11, 12, 13, 14, 15];
  const [lr, b1, b2, eps, fc, sc, omb1, omb2] = scalars.map((p) => {
    const local = f.local(V128);
    f.get(p).f32x4Splat().set(local);
    return local;
  });
  const gi = f.local(V128);
  const mNew = f.local(V128);
  const vNew = f.local(V128);
  const i = f.local(I32);
  const end = f.local(I32);
  f.get(groups).i32(16).mul().set(end);
  f.i32(0).set(i);
  f.block().loop();
  f.get(i).get(end).geU().brIf(1);
  f.get(g).get(i).add().loadV128().set(gi);
  f.get(m).get(i).add().loadV128().get(b1!).f32x4Mul().get(gi).get(omb1!).f32x4Mul().f32x4Add().set(mNew);
  f.get(v).get(i).add().loadV128().get(b2!).f32x4Mul().get(gi).get(gi).f32x4Mul().get(omb2!).f32x4Mul().f32x4Add().set(vNew);
  f.get(mOut).get(i).add().get(mNew).storeV128();
  f.get(vOut).get(i).add().get(vNew).storeV128();
  // w − ((m'/fc) / (√(v'/sc) + ε))·lr
  f.get(wOut).get(i).add();
  f.get(w).get(i).add().loadV128();
  f.get(mNew).get(fc!).f32x4Div();
  f.get(vNew).get(sc!).f32x4Div().f32x4Sqrt().get(eps!).f32x4Add();
  f.f32x4Div().get(lr!).f32x4Mul().f32x4Sub().storeV128();
  f.get(i).i32(16).add().set(i);
  f.br(0).end().end();
  return f;
}

/**
 * The module of all tile kernels (MR = 1…TILE_ROWS, NR ∈ TILE_COLS), the gather, Adam and the
 * batch-norm passes; it
 * imports its memory. `fused`: f32x4.relaxed_madd (needs relaxed SIMD) or multiply and add.
 */
export function tileModuleBytes(fused: boolean): Uint8Array {
  const functions = [{ name: GATHER_ROWS, fn: gatherRows() }, { name: ADAM_STEP, fn: adamStep() }, ...batchNormPassFunctions()];
  for (const cols of TILE_COLS) {
    for (let rows = 1; rows <= TILE_ROWS; rows++) functions.push({ name: tileName(rows, cols), fn: tileKernel(rows, cols, fused) });
  }
  return moduleBytes(functions);
}
