import { describe, expect, it } from 'vitest';
import { icc, iccDetails, ICC_FORMS, type IccForm } from './icc.js';

// Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges.
const SHROUT_FLEISS = [
  [9, 2, 5, 8],
  [6, 1, 3, 2],
  [8, 4, 6, 8],
  [7, 1, 2, 6],
  [10, 5, 6, 9],
  [6, 2, 4, 7],
];

// Independent route: the textbook "computational formulas" on raw sums (not deviations).
// Σx = 127, Σx² = 841, N = 24; row sums 24, 12, 26, 16, 30, 19; column sums 46, 15, 26, 40.
const correction = 127 ** 2 / 24;
const ssTotal = 841 - correction;
const ssTargets = (24 ** 2 + 12 ** 2 + 26 ** 2 + 16 ** 2 + 30 ** 2 + 19 ** 2) / 4 - correction;
const ssJudges = (46 ** 2 + 15 ** 2 + 26 ** 2 + 40 ** 2) / 6 - correction;
const BMS = ssTargets / 5;
const WMS = (ssTotal - ssTargets) / 18;
const JMS = ssJudges / 3;
const EMS = (ssTotal - ssTargets - ssJudges) / 15;

describe('icc: Shrout & Fleiss (1979) worked example', () => {
  it('matches the published mean squares (Table 3: 11.24, 6.26, 32.49, 1.02)', () => {
    const { meanSquares } = iccDetails(SHROUT_FLEISS, 'ICC(1,1)');
    expect(meanSquares.betweenTargets).toBeCloseTo(11.24, 2);
    expect(meanSquares.withinTargets).toBeCloseTo(6.26, 2);
    expect(meanSquares.betweenRaters).toBeCloseTo(32.49, 2);
    expect(meanSquares.residual).toBeCloseTo(1.02, 2);
    expect(meanSquares.betweenTargets).toBeCloseTo(BMS, 10);
    expect(meanSquares.withinTargets).toBeCloseTo(WMS, 10);
    expect(meanSquares.betweenRaters).toBeCloseTo(JMS, 10);
    expect(meanSquares.residual).toBeCloseTo(EMS, 10);
  });

  it('matches the published ICCs (Table 4: .17 .29 .71 .44 .62 .91)', () => {
    const published: Record<IccForm, number> = {
      'ICC(1,1)': 0.17,
      'ICC(2,1)': 0.29,
      'ICC(3,1)': 0.71,
      'ICC(1,k)': 0.44,
      'ICC(2,k)': 0.62,
      'ICC(3,k)': 0.91,
    };
    for (const form of ICC_FORMS) expect(icc(SHROUT_FLEISS, form), form).toBeCloseTo(published[form], 2);
  });

  it('matches the formulas evaluated on the independently computed mean squares', () => {
    const k = 4;
    const n = 6;
    expect(icc(SHROUT_FLEISS, 'ICC(1,1)')).toBeCloseTo((BMS - WMS) / (BMS + (k - 1) * WMS), 12);
    expect(icc(SHROUT_FLEISS, 'ICC(2,1)')).toBeCloseTo((BMS - EMS) / (BMS + (k - 1) * EMS + (k * (JMS - EMS)) / n), 12);
    expect(icc(SHROUT_FLEISS, 'ICC(3,1)')).toBeCloseTo((BMS - EMS) / (BMS + (k - 1) * EMS), 12);
    expect(icc(SHROUT_FLEISS, 'ICC(1,k)')).toBeCloseTo((BMS - WMS) / BMS, 12);
    expect(icc(SHROUT_FLEISS, 'ICC(2,k)')).toBeCloseTo((BMS - EMS) / (BMS + (JMS - EMS) / n), 12);
    expect(icc(SHROUT_FLEISS, 'ICC(3,k)')).toBeCloseTo((BMS - EMS) / BMS, 12);
  });

  it("accepts the rater count in the form ('ICC(3,4)' = 'ICC(3,k)') and spaces", () => {
    expect(icc(SHROUT_FLEISS, 'ICC(3,4)' as IccForm)).toBe(icc(SHROUT_FLEISS, 'ICC(3,k)'));
    expect(iccDetails(SHROUT_FLEISS, 'ICC(2, 4)').form).toBe('ICC(2,k)');
    expect(() => icc(SHROUT_FLEISS, 'ICC(3,3)' as IccForm)).toThrow(/names 3 raters but ratings has 4 columns/);
  });
});

describe('icc: independent identities', () => {
  // Two raters: ICC(3,1) = 2·cov(x, y) / (var x + var y) (from BMS = var(x+y)/2, EMS = var(x−y)/2).
  it('ICC(3,1) with two raters equals 2·cov / (var x + var y)', () => {
    const x = [0.5, 1.2, 3.3, 4.1, 2.2, 0.1, 5, 2.9];
    const y = [0.9, 1.0, 2.5, 4.6, 1.9, 0.7, 4.2, 3.5];
    const mean = (v: number[]) => v.reduce((s, a) => s + a, 0) / v.length;
    const mx = mean(x);
    const my = mean(y);
    const cov = x.reduce((s, xi, i) => s + (xi - mx) * (y[i] - my), 0);
    const vx = x.reduce((s, xi) => s + (xi - mx) ** 2, 0);
    const vy = y.reduce((s, yi) => s + (yi - my) ** 2, 0);
    expect(icc(x.map((xi, i) => [xi, y[i]]), 'ICC(3,1)')).toBeCloseTo((2 * cov) / (vx + vy), 12);
  });

  it('the k forms of ICC(1) and ICC(3) are the Spearman–Brown step-up of the single forms', () => {
    const k = 4;
    for (const type of [1, 3]) {
      const single = icc(SHROUT_FLEISS, `ICC(${type},1)` as IccForm);
      expect(icc(SHROUT_FLEISS, `ICC(${type},k)` as IccForm)).toBeCloseTo((k * single) / (1 + (k - 1) * single), 12);
    }
  });
});

describe('icc: defined answers at the edges', () => {
  it('perfect agreement on varying targets gives 1 in every form', () => {
    const ratings = [[1, 1, 1], [3, 3, 3], [2, 2, 2]];
    for (const form of ICC_FORMS) expect(icc(ratings, form), form).toBe(1);
  });

  it('a constant rater offset: consistency (ICC 3) is 1, absolute agreement (ICC 2) is less', () => {
    const ratings = [[1, 2], [3, 4], [2, 3], [5, 6]];
    expect(icc(ratings, 'ICC(3,1)')).toBeCloseTo(1, 12);
    expect(icc(ratings, 'ICC(2,1)')).toBeLessThan(1);
  });

  it('constant ratings (zero variance): NaN with the reason', () => {
    const result = iccDetails([[2, 2], [2, 2], [2, 2]], 'ICC(3,1)');
    expect(result.value).toBeNaN();
    expect(result.reason).toMatch(/all ratings are equal/);
    // 0.1 is not exact in binary: rounding noise must not turn 0/0 into a number.
    expect(icc([[0.1, 0.1, 0.1], [0.1, 0.1, 0.1]], 'ICC(2,1)')).toBeNaN();
  });

  it('equal targets, raters differing by a constant: ICC(3,1) undefined, ICC(2,1) = 0, ICC(1,1) = −1/(k−1)', () => {
    const ratings = [[0.1, 0.3], [0.1, 0.3], [0.1, 0.3]];
    const consistency = iccDetails(ratings, 'ICC(3,1)');
    expect(consistency.value).toBeNaN();
    expect(consistency.reason).toMatch(/zero denominator/);
    expect(icc(ratings, 'ICC(2,1)')).toBe(0);
    expect(icc(ratings, 'ICC(1,1)')).toBeCloseTo(-1 / (2 - 1), 12);
  });

  it('one target and no targets: NaN with the reason', () => {
    expect(iccDetails([[1, 2, 3]], 'ICC(3,1)')).toMatchObject({ targets: 1, raters: 3, reason: expect.stringMatching(/one target/) });
    expect(icc([[1, 2, 3]], 'ICC(3,1)')).toBeNaN();
    expect(iccDetails([], 'ICC(3,1)')).toMatchObject({ targets: 0, reason: expect.stringMatching(/no data/) });
  });
});

describe('icc: errors name the argument and sizes', () => {
  it('rejects ragged ratings, one rater, missing values and unknown forms', () => {
    expect(() => icc([[1, 2], [3, 4, 5]], 'ICC(3,1)')).toThrow(/ratings is ragged .*ratings\[1\] has 3 values but ratings\[0\] has 2/);
    expect(() => icc([[1], [2]], 'ICC(3,1)')).toThrow(/at least 2 raters \(columns\), got 1/);
    expect(() => icc([[1, 2], [NaN, 4]], 'ICC(3,1)')).toThrow(/ratings\[1\]\[0\] is NaN; ICC needs complete ratings/);
    expect(() => icc([[1, 2], [3, 4]], 'ICC(4,1)' as IccForm)).toThrow(/form must be one of 'ICC\(1,1\)'/);
    expect(() => icc([[1, '2' as never]], 'ICC(3,1)')).toThrow(/ratings\[0\]\[1\] is string 2/);
    expect(() => icc('x' as never, 'ICC(3,1)')).toThrow(/ratings must be an array of rows/);
  });
});
