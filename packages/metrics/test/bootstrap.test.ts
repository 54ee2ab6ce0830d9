import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bootstrapInterval, meanIccInterval, pairedMeanIccDifference, quantileSorted } from '../src/index.js';

// fixtures/make-bootstrap-reference.py: an independent numpy implementation (its own
// mulberry32 on Python integers, ICC(3,1) from ANOVA sums, numpy.percentile).
const reference = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'bootstrap-reference.json'), 'utf8'));
const nan = (rows: (number | null)[][]) => rows.map((row) => row.map((v) => (v === null ? Number.NaN : v)));
const evaluations = reference.evaluations.map((e: { identities: string[]; truth: (number | null)[][]; predictionsA: (number | null)[][]; predictionsB: (number | null)[][] }) => ({
  identities: e.identities,
  truth: nan(e.truth),
  predictionsA: nan(e.predictionsA),
  predictionsB: nan(e.predictionsB),
}));
const options = { seed: reference.seed, resamples: reference.resamples, confidence: reference.confidence };

describe('quantileSorted', () => {
  it('matches numpy.percentile (linear interpolation)', () => {
    const { values, q, expected } = reference.quantiles;
    q.forEach((p: number, i: number) => expect(quantileSorted(values, p)).toBeCloseTo(expected[i], 12));
  });
  it('interpolates by hand: [1, 2, 4, 8] at 0.5 is 3, at 0.9 is 4 + 0.7·4 = 6.8', () => {
    expect(quantileSorted([1, 2, 4, 8], 0.5)).toBe(3);
    expect(quantileSorted([1, 2, 4, 8], 0.9)).toBeCloseTo(6.8, 12);
    expect(() => quantileSorted([1], 1.5)).toThrow(/q must be in \[0, 1\]/);
  });
});

describe('bootstrapInterval', () => {
  it('gives numpy’s interval of a mean, resample by resample the same draws', () => {
    const { units, seed, resamples, confidence, low, high } = reference.meanCase;
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    const interval = bootstrapInterval(units, mean, { seed, resamples, confidence });
    expect(interval.estimate).toBeCloseTo(mean(units), 12);
    expect(interval.low).toBeCloseTo(low, 10);
    expect(interval.high).toBeCloseTo(high, 10);
    expect(interval).toMatchObject({ resamples, confidence, seed, method: 'percentile', undefinedResamples: 0 });
  });

  it('is fixed by its seed, and another seed gives another interval', () => {
    const units = [1, 5, 2, 8, 3, 9, 4];
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(bootstrapInterval(units, mean, { seed: 3, resamples: 200 })).toEqual(bootstrapInterval(units, mean, { seed: 3, resamples: 200 }));
    expect(bootstrapInterval(units, mean, { seed: 4, resamples: 200 }).low).not.toBe(bootstrapInterval(units, mean, { seed: 3, resamples: 200 }).low);
  });

  it('counts resamples whose statistic is undefined, and names bad options', () => {
    const interval = bootstrapInterval([0, 1], (xs) => (xs.every((x) => x === xs[0]) ? Number.NaN : 1), { seed: 1, resamples: 100 });
    expect(interval.undefinedResamples).toBeGreaterThan(30); // P(both draws equal) = 1/2
    expect(interval.undefinedResamples).toBeLessThan(70);
    expect(() => bootstrapInterval([1], (x) => x[0], { seed: -1 })).toThrow(/seed must be an integer ≥ 0/);
    expect(() => bootstrapInterval([], (x) => x.length, { seed: 1 })).toThrow(/no units/);
    expect(() => bootstrapInterval([1], (x) => x[0], { seed: 1, confidence: 1 })).toThrow(/confidence must be in \(0, 1\)/);
  });
});

describe('mean ICC over held-out identities', () => {
  it('paired difference A − B, and each model, match the numpy reference (2 strata, identities resampled)', () => {
    const paired = pairedMeanIccDifference(evaluations, reference.aus, options);
    for (const [key, which] of [['difference', 'A-B'], ['a', 'A'], ['b', 'B']] as const) {
      const want = reference.expected[which];
      expect(paired[key].estimate).toBeCloseTo(want.estimate, 9);
      expect(paired[key].low).toBeCloseTo(want.low, 9);
      expect(paired[key].high).toBeCloseTo(want.high, 9);
    }
    expect(paired.perEvaluation.map((e) => [e.identities, e.frames])).toEqual([[6, 30], [5, 20]]);
    expect(paired.difference.estimate).toBeCloseTo((paired.perEvaluation[0].difference + paired.perEvaluation[1].difference) / 2, 12);
  });

  it('meanIccInterval of one model is the paired comparison’s A', () => {
    const single = meanIccInterval(evaluations.map((e: { identities: string[]; truth: number[][]; predictionsA: number[][] }) => ({ identities: e.identities, truth: e.truth, predictions: e.predictionsA })), reference.aus, options);
    expect(single.low).toBeCloseTo(reference.expected.A.low, 9);
    expect(single.high).toBeCloseTo(reference.expected.A.high, 9);
  });

  it('names mismatched shapes', () => {
    const e = evaluations[0];
    expect(() => pairedMeanIccDifference({ ...e, identities: e.identities.slice(1) }, reference.aus, options)).toThrow(/identities has 29 entries but there are 30 frames/);
    expect(() => pairedMeanIccDifference({ ...e, predictionsB: e.predictionsB.slice(1) }, reference.aus, options)).toThrow(/predictionsB has another number of frames/);
  });
});
