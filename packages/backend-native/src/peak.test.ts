import { describe, expect, it } from 'vitest';
import { loadAddon } from './addon.js';
import { describePeaks, measurePeaks } from './peak.js';
import { nativeReady } from './test-helpers.js';

describe.skipIf(!nativeReady)('measured peaks', () => {
  it('measures fp32 on 1 and 2 threads, names the ISA, and reports a kind the CPU lacks with the reason', () => {
    const addon = loadAddon().addon!;
    // short loops: this checks the plumbing, not the machine's speed
    const fast = { ...addon, fmaPeak: (iterations: number, threads: number, kind?: 'fp32' | 'bf16' | 'amx-bf16') => addon.fmaPeak(Math.min(iterations, 1e4), threads, kind) };
    const peaks = measurePeaks(fast as typeof addon, 2);
    const fp32 = peaks.fp32;
    if ('reason' in fp32) throw new Error(fp32.reason);
    expect(fp32.isa).toMatch(/avx/);
    expect(fp32.one).toBeGreaterThan(0);
    expect(fp32.threads).toBe(2);
    for (const kind of ['bf16', 'amx-bf16'] as const) {
      const p = peaks[kind];
      if ('reason' in p) expect(p.reason).toMatch(/no AVX512_BF16|no AMX|refused/);
      else expect(p.one).toBeGreaterThan(0);
    }
    expect(describePeaks(peaks)[0]).toMatch(/^fp32 \(avx.*\): \d+ GFLOP\/s on 1 thread, \d+ on 2$/);
    expect(() => addon.fmaPeak(1, 1, 'fp16' as 'fp32')).toThrow(/kind must be/);
  });
});
