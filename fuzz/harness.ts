// The fuzzing harness: a target is a parser fed bytes; an execution may end in a result or
// in the project's own typed error and in nothing else. A crash (any other exception), a hang
// (no answer within the time limit) or a result that breaks the target's own check is a
// finding. Inputs are seeds (real files) mutated the way byte-level fuzzers mutate them
// (flips, interesting integers, insertions, deletions, truncation, splices, dictionary tokens).
import * as fc from 'fast-check';

export interface FuzzTarget {
  /** The corpus folder's name: fuzz/corpus/<name>/. */
  name: string;
  /** What is fuzzed, for the report. */
  about: string;
  /** Seeds made in code (the corpus folder's files are seeds too). */
  seeds?(): Promise<Uint8Array[]> | Uint8Array[];
  /** Tokens that mean something in the format (field names, separators, numbers). */
  dictionary?: string[];
  /** Once before the first execution (temp folders, a server). */
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  /** One execution; throws what the parser throws, or a FuzzViolation when its result is wrong. */
  run(input: Uint8Array): Promise<unknown> | unknown;
  /** Whether an error thrown by `run` is one the project allows (its own typed error, naming the file). */
  expected(error: unknown): boolean;
  /** Per-execution time limit (default 5 s): past it the execution is a hang. */
  timeoutMs?: number;
  /**
   * Most ArrayBuffer memory (typed arrays, Buffers) an execution may leave allocated, default
   * 256 MiB: a parser that believes a header claiming gigabytes shows up here even when the
   * machine has the memory (the V8 heap limit does not count these).
   */
  maxArrayBufferBytes?: number;
}

/** A result that breaks a target's invariant (never an allowed outcome). */
export class FuzzViolation extends Error {
  override name = 'FuzzViolation';
}

export type Outcome =
  | { kind: 'result' }
  | { kind: 'typed-error'; message: string }
  | { kind: 'crash'; error: unknown }
  | { kind: 'hang'; ms: number }
  | { kind: 'memory'; bytes: number };

/** Runs one input through a target and says how it ended. */
export async function execute(target: FuzzTarget, input: Uint8Array): Promise<Outcome> {
  const limit = target.timeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'hang', ms: limit }), limit);
  });
  const run = (async (): Promise<Outcome> => {
    try {
      await target.run(input);
      return { kind: 'result' };
    } catch (error) {
      if (!(error instanceof FuzzViolation) && target.expected(error)) return { kind: 'typed-error', message: (error as Error).message };
      return { kind: 'crash', error };
    }
  })();
  let outcome: Outcome;
  try {
    outcome = await Promise.race([run, hang]);
  } finally {
    clearTimeout(timer);
  }
  const bytes = process.memoryUsage().arrayBuffers;
  if (outcome.kind !== 'crash' && outcome.kind !== 'hang' && bytes > (target.maxArrayBufferBytes ?? 256 * 1024 * 1024)) {
    // Garbage not yet collected counts too: collect when we can before calling it a finding.
    (globalThis as { gc?: () => void }).gc?.();
    const after = process.memoryUsage().arrayBuffers;
    if (after > (target.maxArrayBufferBytes ?? 256 * 1024 * 1024) || !(globalThis as { gc?: () => void }).gc) return { kind: 'memory', bytes: after };
  }
  return outcome;
}

export const isFinding = (outcome: Outcome): boolean => outcome.kind === 'crash' || outcome.kind === 'hang' || outcome.kind === 'memory';

export function describeOutcome(outcome: Outcome): string {
  switch (outcome.kind) {
    case 'result': return 'result';
    case 'typed-error': return `typed error: ${outcome.message}`;
    case 'hang': return `hang (no answer in ${outcome.ms} ms)`;
    case 'memory': return `memory: ${(outcome.bytes / 2 ** 20).toFixed(0)} MiB of ArrayBuffers still allocated after the execution`;
    case 'crash': {
      const e = outcome.error as Error;
      return `crash: ${e?.name ?? typeof e}: ${e?.message ?? String(e)}\n${e?.stack?.split('\n').slice(1, 6).join('\n') ?? ''}`;
    }
  }
}

// Integers that break length and offset arithmetic: 0, ±1, powers of two and their
// neighbours, the int32/uint32 limits (a header claiming 4 GB).
const INTERESTING = [0, 1, 2, 3, 4, 7, 8, 15, 16, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffff8, 0xffffffff];

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; byte: number }
  | { op: 'int32'; at: number; value: number; big: boolean }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'token'; at: number; token: number }
  | { op: 'delete'; at: number; length: number }
  | { op: 'truncate'; at: number }
  | { op: 'repeat'; at: number; length: number; times: number }
  | { op: 'splice'; seed: number; at: number; from: number; length: number };

function mutationArbitrary(tokens: number): fc.Arbitrary<Mutation> {
  const at = fc.nat();
  const options: fc.Arbitrary<Mutation>[] = [
    fc.record({ op: fc.constant('flip' as const), at, bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ op: fc.constant('set' as const), at, byte: fc.oneof(fc.constantFrom(0, 0xff, 0x7f, 0x80, 0x0a, 0x2c, 0x22), fc.integer({ min: 0, max: 255 })) }),
    fc.record({ op: fc.constant('int32' as const), at, value: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 0xffffffff })), big: fc.boolean() }),
    fc.record({ op: fc.constant('insert' as const), at, bytes: fc.uint8Array({ maxLength: 16 }) }),
    fc.record({ op: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 64 }) }),
    fc.record({ op: fc.constant('truncate' as const), at }),
    fc.record({ op: fc.constant('repeat' as const), at, length: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 1, max: 64 }) }),
    fc.record({ op: fc.constant('splice' as const), seed: fc.nat(), at, from: fc.nat(), length: fc.integer({ min: 1, max: 256 }) }),
  ];
  if (tokens > 0) options.push(fc.record({ op: fc.constant('token' as const), at, token: fc.integer({ min: 0, max: tokens - 1 }) }));
  return fc.oneof(...options);
}

function applyMutation(input: Uint8Array, m: Mutation, seeds: Uint8Array[], tokens: Uint8Array[]): Uint8Array {
  const n = input.length;
  const pos = (k: number, size = n) => (size === 0 ? 0 : k % size);
  const join = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  };
  switch (m.op) {
    case 'flip': { if (n === 0) return input; const out = input.slice(); out[pos(m.at)] ^= 1 << m.bit; return out; }
    case 'set': { if (n === 0) return input; const out = input.slice(); out[pos(m.at)] = m.byte; return out; }
    case 'int32': {
      if (n < 4) return input;
      const out = input.slice();
      // Aligned offsets most of the time: MAT tags and lengths sit on 4- and 8-byte boundaries.
      const at = pos(m.at, n - 3) & ~3;
      new DataView(out.buffer).setUint32(at, m.value >>> 0, !m.big);
      return out;
    }
    case 'insert': { const at = pos(m.at, n + 1); return join(input.subarray(0, at), m.bytes, input.subarray(at)); }
    case 'token': { const at = pos(m.at, n + 1); return join(input.subarray(0, at), tokens[m.token], input.subarray(at)); }
    case 'delete': { if (n === 0) return input; const at = pos(m.at); return join(input.subarray(0, at), input.subarray(at + m.length)); }
    case 'truncate': return input.subarray(0, pos(m.at, n + 1));
    case 'repeat': {
      if (n === 0) return input;
      const at = pos(m.at);
      const chunk = input.subarray(at, at + m.length);
      return join(input.subarray(0, at), ...Array.from({ length: m.times }, () => chunk), input.subarray(at));
    }
    case 'splice': {
      const other = seeds[pos(m.seed, seeds.length)];
      const from = pos(m.from, other.length);
      const at = pos(m.at, n + 1);
      return join(input.subarray(0, at), other.subarray(from, from + m.length), input.subarray(at));
    }
  }
}

/** Inputs: a seed with up to 8 stacked mutations, sometimes bytes from nothing. */
export function inputArbitrary(seeds: Uint8Array[], dictionary: string[] = []): fc.Arbitrary<Uint8Array> {
  const tokens = dictionary.map((t) => new TextEncoder().encode(t));
  const mutated = fc
    .tuple(fc.nat({ max: Math.max(0, seeds.length - 1) }), fc.array(mutationArbitrary(tokens.length), { minLength: 1, maxLength: 8 }))
    .map(([seed, mutations]) => mutations.reduce((bytes, m) => applyMutation(bytes, m, seeds, tokens), seeds[seed]));
  if (seeds.length === 0) return fc.uint8Array({ maxLength: 1024 });
  return fc.oneof({ arbitrary: mutated, weight: 9 }, { arbitrary: fc.uint8Array({ maxLength: 1024 }), weight: 1 });
}
