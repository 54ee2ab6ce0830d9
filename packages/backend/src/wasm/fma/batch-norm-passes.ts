// The full-size passes of the training batch norm (batch-norm-train.ts) as float32 SIMD
// functions of the tile module, 4 channels per instruction, over `rows` rows of `rowBytes`
// bytes (C floats, C a multiple of 4) with per-channel vectors (mean, scale, …) in memory.
// Every parameter is an i32: byte addresses, the row count, the row length in bytes.
import { FunctionBuilder, I32, V128 } from './wasm-module-bytes.js';

/** Export names (`relu` variants end in `_relu`). */
export const BN_PASSES = {
  sum: 'bn_sum',
  squaredDeviation: 'bn_squared_deviation',
  apply: 'bn_apply',
  gradientSums: 'bn_gradient_sums',
  gradientApply: 'bn_gradient_apply',
} as const;

/**
 * The loops every pass shares: for each row, for each 16-byte group of channels, `body(c)`
 * with `row` (a local: the row's byte offset from the first row) and `c` (the group's byte
 * offset in the row) set.
 */
function overRows(f: FunctionBuilder, rows: number, rowBytes: number, body: (row: number, c: number) => void): void {
  const row = f.local(I32);
  const end = f.local(I32);
  const c = f.local(I32);
  f.get(rows).get(rowBytes).mul().set(end);
  f.i32(0).set(row);
  f.block().loop();
  f.get(row).get(end).geU().brIf(1);
  f.i32(0).set(c);
  f.block().loop();
  f.get(c).get(rowBytes).geU().brIf(1);
  body(row, c);
  f.get(c).i32(16).add().set(c);
  f.br(0).end().end();
  f.get(row).get(rowBytes).add().set(row);
  f.br(0).end().end();
}

/** Pushes the vector at base + row + c. */
const loadAt = (f: FunctionBuilder, base: number, row: number, c: number) => f.get(base).get(row).add().get(c).add().loadV128();

/** Pushes g: dy, or dy where y > 0 when `relu` (0 elsewhere, NaN included). */
function gradient(f: FunctionBuilder, dy: number, y: number, row: number, c: number, relu: boolean): void {
  loadAt(f, dy, row, c);
  if (relu) loadAt(f, y, row, c).zeroV128().f32x4Gt().v128And();
}

/** bn_sum(x, rows, rowBytes, out): out[c] += Σ_rows x[r, c]. */
function sum(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32]);
  const [x, rows, rowBytes, out] = [0, 1, 2, 3];
  overRows(f, rows, rowBytes, (row, c) => {
    f.get(out).get(c).add();
    f.get(out).get(c).add().loadV128();
    loadAt(f, x, row, c).f32x4Add().storeV128();
  });
  return f;
}

/** bn_squared_deviation(x, rows, rowBytes, mean, out): out[c] += Σ_rows (x[r, c] − mean[c])². */
function squaredDeviation(): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32]);
  const [x, rows, rowBytes, mean, out] = [0, 1, 2, 3, 4];
  const d = f.local(V128);
  overRows(f, rows, rowBytes, (row, c) => {
    loadAt(f, x, row, c).get(mean).get(c).add().loadV128().f32x4Sub().set(d);
    f.get(out).get(c).add();
    f.get(out).get(c).add().loadV128().get(d).get(d).f32x4Mul().f32x4Add().storeV128();
  });
  return f;
}

/** bn_apply[_relu](x, y, rows, rowBytes, mean, k, o): y = o + (x − mean)·k, rectified. */
function apply(relu: boolean): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32, I32]);
  const [x, y, rows, rowBytes, mean, k, o] = [0, 1, 2, 3, 4, 5, 6];
  const v = f.local(V128);
  overRows(f, rows, rowBytes, (row, c) => {
    f.get(o).get(c).add().loadV128();
    loadAt(f, x, row, c).get(mean).get(c).add().loadV128().f32x4Sub();
    f.get(k).get(c).add().loadV128().f32x4Mul().f32x4Add().set(v);
    f.get(y).get(row).add().get(c).add();
    if (relu) f.get(v).zeroV128().f32x4Gt().get(v).v128And();
    else f.get(v);
    f.storeV128();
  });
  return f;
}

/** bn_gradient_sums[_relu](dy, x, y, rows, rowBytes, mean, sumG, sumGd): sumG += Σ g, sumGd += Σ g·(x − mean). */
function gradientSums(relu: boolean): FunctionBuilder {
  const f = new FunctionBuilder([I32, I32, I32, I32, I32, I32, I32, I32]);
  const [dy, x, y, rows, rowBytes, mean, sumG, sumGd] = [0, 1, 2, 3, 4, 5, 6, 7];
  const g = f.local(V128);
  overRows(f, rows, rowBytes, (row, c) => {
    gradient(f, dy, y, row, c, relu);
    f.set(g);
    f.get(sumG).get(c).add();
    f.get(sumG).get(c).add().loadV128().get(g).f32x4Add().storeV128();
    f.get(sumGd).get(c).add();
    f.get(sumGd).get(c).add().loadV128().get(g);
    loadAt(f, x, row, c).get(mean).get(c).add().loadV128().f32x4Sub();
    f.f32x4Mul().f32x4Add().storeV128();
  });
  return f;
}

/**
 * bn_gradient_apply[_relu](dy, x, y, dx, rows, rowBytes, mean, inv, scale, a, b):
 * dx = scale · (g − a − (x − mean)·inv·b).
 */
function gradientApply(relu: boolean): FunctionBuilder {
  const f = new FunctionBuilder(new Array(11).fill(I32));
  const [dy, x, y, dx, rows, rowBytes, mean, inv, scale, a, b] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  overRows(f, rows, rowBytes, (row, c) => {
    f.get(dx).get(row).add().get(c).add();
    f.get(scale).get(c).add().loadV128();
    gradient(f, dy, y, row, c, relu);
    f.get(a).get(c).add().loadV128().f32x4Sub();
    loadAt(f, x, row, c).get(mean).get(c).add().loadV128().f32x4Sub();
    f.get(inv).get(c).add().loadV128().f32x4Mul();
    f.get(b).get(c).add().loadV128().f32x4Mul().f32x4Sub();
    f.f32x4Mul().storeV128();
  });
  return f;
}

/** Every pass, as the tile module's functions. */
export function batchNormPassFunctions(): { name: string; fn: FunctionBuilder }[] {
  return [
    { name: BN_PASSES.sum, fn: sum() },
    { name: BN_PASSES.squaredDeviation, fn: squaredDeviation() },
    ...[false, true].flatMap((relu) => {
      const suffix = relu ? '_relu' : '';
      return [
        { name: BN_PASSES.apply + suffix, fn: apply(relu) },
        { name: BN_PASSES.gradientSums + suffix, fn: gradientSums(relu) },
        { name: BN_PASSES.gradientApply + suffix, fn: gradientApply(relu) },
      ];
    }),
  ];
}
