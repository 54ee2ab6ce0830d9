// The CPU's measured multiply-add peaks, for every bench that reports GFLOP/s (one
// implementation: @g2rl/backend-native's fmaPeak loops). Each kind the CPU has is measured on
// 1 thread and on `threads`, best of 5 runs of ~0.05–0.2 s after a warm-up (other processes
// only ever lower a measurement):
//   fp32      12 independent FMA chains per thread (avx512f, else avx2+fma)
//   bf16      12 vdpbf16ps chains (AVX512_BF16: bf16 pairs into fp32 lanes)
//   amx-bf16  tdpbf16ps on 4 AMX tiles (Linux grants the tile state on request)
// A kind the CPU lacks is reported with the reason instead of a figure.

const ITERATIONS = { fp32: 2e7, bf16: 1e7, 'amx-bf16': 2e6 };

/**
 * @param addon the loaded @g2rl/backend-native addon (loadAddon().addon)
 * @param threads the larger thread count (default: the addon's OpenMP team)
 * @returns { fp32|bf16|amx-bf16: { isa, one, all, threads } | { reason } }
 */
export function measurePeaks(addon, threads = addon.info().threads) {
  const peaks = {};
  for (const kind of Object.keys(ITERATIONS)) {
    try {
      addon.fmaPeak(ITERATIONS[kind] / 20, 1, kind);
      const best = (n) => Math.max(...[0, 1, 2, 3, 4].map(() => addon.fmaPeak(ITERATIONS[kind], n, kind).gflops));
      peaks[kind] = { isa: addon.fmaPeak(1, 1, kind).isa, one: best(1), all: best(threads), threads };
    } catch (error) {
      peaks[kind] = { reason: String(error?.message ?? error) };
    }
  }
  return peaks;
}

/** One line per kind: "fp32 (avx512f): 222 GFLOP/s on 1 thread, 440 on 2". */
export function describePeaks(peaks) {
  return Object.entries(peaks).map(([kind, p]) =>
    p.reason ? `${kind}: not measured (${p.reason})` : `${kind} (${p.isa}): ${p.one.toFixed(0)} GFLOP/s on 1 thread, ${p.all.toFixed(0)} on ${p.threads}`,
  );
}
