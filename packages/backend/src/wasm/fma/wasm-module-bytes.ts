// A minimal WebAssembly binary writer: just what the FMA tile kernels need (i32 and v128
// locals, structured control, memory access, SIMD and relaxed-SIMD arithmetic). Kernels are
// generated as code so that each tile shape (rows × columns) gets its accumulators in
// locals, which V8 keeps in registers; emitting bytes directly avoids shipping an assembler.
// Encoding: the WebAssembly core spec §5 (binary format), SIMD and relaxed-SIMD proposals.

/** Value types used by the kernels. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValueType = typeof I32 | typeof F32 | typeof V128;

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];

/** Builds one function body: locals are numbered after the parameters, in order of `local`. */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly locals: ValueType[] = [];

  constructor(readonly params: ValueType[]) {}

  /** Declares a local and returns its index. */
  local(type: ValueType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  private simd(op: number, ...imm: number[]): this {
    this.code.push(0xfd, ...uleb(op), ...imm);
    return this;
  }

  private memarg(offset: number, alignLog2: number): number[] {
    return [...uleb(alignLog2), ...uleb(offset)];
  }

  get(i: number) { this.code.push(0x20, ...uleb(i)); return this; }
  set(i: number) { this.code.push(0x21, ...uleb(i)); return this; }
  i32(v: number) { this.code.push(0x41, ...sleb(v)); return this; }
  add() { this.code.push(0x6a); return this; }
  mul() { this.code.push(0x6c); return this; }
  and() { this.code.push(0x71); return this; }
  geU() { this.code.push(0x4f); return this; }
  eqz() { this.code.push(0x45); return this; }
  loadI32(offset = 0) { this.code.push(0x28, ...this.memarg(offset, 2)); return this; }
  block() { this.code.push(0x02, 0x40); return this; }
  loop() { this.code.push(0x03, 0x40); return this; }
  if() { this.code.push(0x04, 0x40); return this; }
  else() { this.code.push(0x05); return this; }
  end() { this.code.push(0x0b); return this; }
  br(depth: number) { this.code.push(0x0c, ...uleb(depth)); return this; }
  brIf(depth: number) { this.code.push(0x0d, ...uleb(depth)); return this; }

  /** memory.copy (bulk memory): dst, src, byte count on the stack. */
  memoryCopy() { this.code.push(0xfc, ...uleb(10), 0x00, 0x00); return this; }

  loadV128(offset = 0) { return this.simd(0x00, ...this.memarg(offset, 4)); }
  splat32(offset = 0) { return this.simd(0x09, ...this.memarg(offset, 2)); }
  storeV128(offset = 0) { return this.simd(0x0b, ...this.memarg(offset, 4)); }
  zeroV128() { return this.simd(0x0c, ...new Array<number>(16).fill(0)); }
  f32x4Splat() { return this.simd(0x13); }
  f32x4Sqrt() { return this.simd(0xe3); }
  f32x4Add() { return this.simd(0xe4); }
  f32x4Sub() { return this.simd(0xe5); }
  f32x4Div() { return this.simd(0xe7); }
  f32x4Mul() { return this.simd(0xe6); }
  f32x4Max() { return this.simd(0xe9); }
  f32x4Gt() { return this.simd(0x44); }
  v128And() { return this.simd(0x4e); }
  /** a·b + c, fused where the CPU has FMA (relaxed SIMD: rounding may differ by CPU). */
  f32x4RelaxedMadd() { return this.simd(0x105); }

  /** The body as the code section wants it: size, locals, expression, end. */
  bytes(): number[] {
    const groups: number[][] = [];
    for (let i = 0; i < this.locals.length; ) {
      let j = i;
      while (j < this.locals.length && this.locals[j] === this.locals[i]) j++;
      groups.push([...uleb(j - i), this.locals[i]!]);
      i = j;
    }
    const body = [...vec(groups), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

/**
 * A module that imports its memory as `env.memory` (so kernels work in place on another
 * module's heap) and exports the given functions, none of which returns a value.
 */
export function moduleBytes(functions: { name: string; fn: FunctionBuilder }[]): Uint8Array {
  const types = functions.map(({ fn }) => [0x60, ...vec(fn.params.map((t) => [t])), 0x00]);
  const imports = [[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map(({ name: n }, i) => [...name(n), 0x00, ...uleb(i)]))),
    ...section(10, vec(functions.map(({ fn }) => fn.bytes()))),
  ];
  return Uint8Array.from(bytes);
}
