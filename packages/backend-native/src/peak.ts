// The CPU's measured multiply-add peaks, for every benchmark that reports GFLOP/s (one
// implementation: the addon's fmaPeak loops). Each kind the CPU has is measured on 1 thread
// and on `threads`, best of 5 runs of ~0.05–0.2 s after a warm-up (other processes only ever
// lower a measurement):
//   fp32      12 independent FMA chains per thread (avx512f, else avx2+fma)
//   bf16      12 vdpbf16ps chains (AVX512_BF16: bf16 pairs summed into fp32 lanes)
//   amx-bf16  tdpbf16ps on 4 AMX tiles (Linux grants the tile state on request)
// A kind the CPU lacks is reported with the reason instead of a figure.
import type { NativeAddon } from './addon.js';

export type PeakKind = 'fp32' | 'bf16' | 'amx-bf16';
export type Peak = { isa: string; one: number; all: number; threads: number } | { reason: string };

const ITERATIONS: Record<PeakKind, number> = { fp32: 2e7, bf16: 1e7, 'amx-bf16': 2e6 };

/** GFLOP/s of each kind on 1 thread (`one`) and on `threads` (`all`, default the addon's team). */
export function measurePeaks(addon: NativeAddon, threads = addon.info().threads): Record<PeakKind, Peak> {
  const peaks = {} as Record<PeakKind, Peak>;
  for (const kind of Object.keys(ITERATIONS) as PeakKind[]) {
    try {
      addon.fmaPeak(ITERATIONS[kind] / 20, 1, kind);
      const best = (n: number) => Math.max(...[0, 1, 2, 3, 4].map(() => addon.fmaPeak(ITERATIONS[kind], n, kind).gflops));
      peaks[kind] = { isa: addon.fmaPeak(1, 1, kind).isa, one: best(1), all: best(threads), threads };
    } catch (error) {
      peaks[kind] = { reason: error instanceof Error ? error.message : String(error) };
    }
  }
  return peaks;
}

/** One line per kind, e.g. "fp32 (avx512f): 222 GFLOP/s on 1 thread, 440 on 2". */
export function describePeaks(peaks: Record<string, Peak>): string[] {
  return Object.entries(peaks).map(([kind, p]) =>
    'reason' in p ? `${kind}: not measured (${p.reason})` : `${kind} (${p.isa}): ${p.one.toFixed(0)} GFLOP/s on 1 thread, ${p.all.toFixed(0)} on ${p.threads}`,
  );
}
