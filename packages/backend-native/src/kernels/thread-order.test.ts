import { describe, expect, it } from 'vitest';
import { loadAddon } from '../addon.js';
import { nativeReady, seededValues } from '../test-helpers.js';

// The kernels that sum over rows on several threads combine the threads' partial sums in thread
// order (native/common.h, ThreadPartials), not in the order threads finish (`omp critical`,
// before): floating-point addition is not associative, so from 3 threads on a sum could change
// in its last bits from one run to the next, and training would not be reproducible on machines
// with more cores. Here 5 threads on this machine's cores, so they finish in varying orders.
describe.skipIf(!nativeReady)('row sums combined in thread order: the same bits on every run, whatever thread finishes first', () => {
  const addon = loadAddon().addon!;
  const THREADS = 5;
  const RUNS = 25;
  const rows = 4096;
  const channels = 48; // 196 608 elements: above the parallel threshold
  // Channel 0 holds 2⁵³ in thread 0's rows, 1 in thread 1's and −2⁵³ in thread 2's (5 static
  // shares of the rows), zeros elsewhere: in thread order (2⁵³ + 1) − 2⁵³ = 0 (2⁵³ + 1 rounds to
  // 2⁵³), while a merge that takes thread 1 last gives 1. The other channels are seeded noise.
  const share = rows / THREADS;
  const planted = (values: Float32Array): Float32Array => {
    for (let r = 0; r < rows; r++) values[r * channels] = 0;
    values[0] = 2 ** 53;
    values[Math.ceil(share) * channels] = 1;
    values[Math.ceil(2 * share) * channels] = -(2 ** 53);
    return values;
  };
  const x = planted(seededValues(rows * channels, 1));
  const dy = planted(seededValues(rows * channels, 2));
  const gamma = seededValues(channels, 3).map((v) => 1 + 0.5 * v);
  const beta = seededValues(channels, 4);

  /** `compute` run RUNS times on THREADS threads; every run's outputs as one byte string. */
  function runs(compute: () => Float32Array[]): string[] {
    const previous = addon.info().threads;
    addon.setThreads(THREADS);
    try {
      return Array.from({ length: RUNS }, () => Buffer.concat(compute().map((a) => Buffer.from(a.buffer))).toString('base64'));
    } finally {
      addon.setThreads(previous);
    }
  }

  it('training batch norm forward and gradient (G2rlBatchNormTrain, G2rlBatchNormTrainGrad)', () => {
    const outputs = runs(() => {
      const y = new Float32Array(rows * channels), mean = new Float32Array(channels), variance = new Float32Array(channels);
      addon.batchNormTrain(x, gamma, beta, y, mean, variance, 1e-3, true);
      const dx = new Float32Array(rows * channels), dgamma = new Float32Array(channels), dbeta = new Float32Array(channels);
      addon.batchNormTrainGrad(dy, x, y, gamma, mean, variance, 1e-3, true, dx, dgamma, dbeta);
      return [y, mean, variance, dx, dgamma, dbeta];
    });
    expect(new Set(outputs).size).toBe(1);
  });

  it('inference batch norm gradient (batchNormGrad)', () => {
    const mean = seededValues(channels, 5).map((v) => 100 + v);
    const variance = seededValues(channels, 6).map((v) => 2 + v);
    const outputs = runs(() => {
      const dx = new Float32Array(rows * channels), dmean = new Float32Array(channels), dvariance = new Float32Array(channels);
      const dscale = new Float32Array(channels), doffset = new Float32Array(channels);
      addon.batchNormGrad(dy, x, mean, variance, gamma, 1e-3, dx, dmean, dvariance, dscale, doffset);
      return [dx, dmean, dvariance, dscale, doffset];
    });
    expect(new Set(outputs).size).toBe(1);
  });

  it('Sum over the rows, one column and many (reduce, P = 1)', () => {
    const column = new Float32Array(rows * channels); // 2⁵³, 1, −2⁵³ in the first three shares
    const n = column.length;
    [2 ** 53, 1, -(2 ** 53)].forEach((v, t) => (column[Math.ceil((t * n) / THREADS)] = v));
    for (const [values, Q] of [[column, 1], [x, channels]] as const) {
      const outputs = runs(() => {
        const out = new Float32Array(Q);
        addon.reduce(0, values, out, 1, values.length / Q, Q);
        return [out];
      });
      expect(new Set(outputs).size).toBe(1);
      if (Q === 1) {
        const bytes = Buffer.from(outputs[0]!, 'base64');
        expect(new Float32Array(bytes.buffer, bytes.byteOffset, 1)[0]).toBe(0); // thread order: (2⁵³ + 1) − 2⁵³
      }
    }
  });
});
