import { describe, expect, it } from 'vitest';
import { mae, mse, pearson } from './agreement.js';
import { auReport } from './au-report.js';
import { icc } from './icc.js';

// 5 frames × 3 AUs. AU 4's truth is missing in frames 1 and 3; AU 26 is never labelled.
const AUS = [1, 4, 26];
const PREDICTIONS = [
  [0.5, 1.0, 2.0],
  [1.5, 9.0, 1.0], // 9.0: only seen if frame 1 of AU 4 were not left out
  [2.5, 3.0, 0.0],
  [3.0, 9.0, 4.0],
  [0.0, 0.5, 3.0],
];
const TRUTH = [
  [0, 1, NaN],
  [2, NaN, NaN],
  [3, 2, NaN],
  [3, NaN, NaN],
  [1, 0, NaN],
];

describe('auReport', () => {
  const report = auReport(PREDICTIONS, TRUTH, AUS);

  it('computes each AU over its labelled frames only', () => {
    expect(report.frames).toBe(5);
    const [au1, au4] = report.aus;
    const p1 = [0.5, 1.5, 2.5, 3.0, 0.0];
    const t1 = [0, 2, 3, 3, 1];
    expect(au1).toMatchObject({ au: 1, n: 5, notes: [] });
    expect(au1.mae).toBeCloseTo((0.5 + 0.5 + 0.5 + 0 + 1) / 5, 12);
    expect(au1.mse).toBeCloseTo((0.25 + 0.25 + 0.25 + 0 + 1) / 5, 12);
    expect(au1.pcc).toBeCloseTo(pearson(p1, t1), 12);
    expect(au1.icc).toBeCloseTo(icc(p1.map((p, i) => [p, t1[i]]), 'ICC(3,1)'), 12);
    // AU 4: frames 0, 2, 4 → predictions 1, 3, 0.5 against 1, 2, 0.
    expect(au4.n).toBe(3);
    expect(au4.mae).toBeCloseTo((0 + 1 + 0.5) / 3, 12);
    expect(au4.mse).toBeCloseTo(mse([1, 3, 0.5], [1, 2, 0]), 12);
    expect(au4.mae).toBeCloseTo(mae([1, 3, 0.5], [1, 2, 0]), 12);
    expect(au4.pcc).toBeCloseTo(pearson([1, 3, 0.5], [1, 2, 0]), 12);
    expect(au4.icc).toBeCloseTo(icc([[1, 1], [3, 2], [0.5, 0]], 'ICC(3,1)'), 12);
  });

  it('reports an AU with no labelled frame as n = 0, "no data", and leaves it out of the mean', () => {
    const au26 = report.aus[2];
    expect(au26).toMatchObject({ au: 26, n: 0, notes: ['no data'] });
    for (const metric of ['icc', 'mae', 'mse', 'pcc'] as const) {
      expect(au26[metric]).toBeNaN();
      expect(report.mean[metric]).toBeCloseTo((report.aus[0][metric] + report.aus[1][metric]) / 2, 12);
      expect(report.mean.counts[metric]).toBe(2);
    }
    expect(report.mean.excluded).toEqual(
      ['icc', 'mae', 'mse', 'pcc'].map((metric) => ({ au: 26, metric, reason: 'no data' })),
    );
  });

  it('excludes an undefined metric only for that metric, with the reason', () => {
    // AU 2's truth is constant: MAE/MSE/ICC defined, PCC undefined.
    const r = auReport([[1, 1], [2, 0], [3, 2]], [[1, 0], [2, 0], [3, 0]], [1, 2]);
    expect(r.aus[1].pcc).toBeNaN();
    expect(r.aus[1].icc).toBeCloseTo(0, 12); // 2·cov/(var p + var t), cov = 0
    expect(r.aus[1].notes).toEqual(['PCC undefined: truth is constant: correlation is undefined']);
    expect(r.mean.counts).toEqual({ icc: 2, mae: 2, mse: 2, pcc: 1 });
    expect(r.mean.pcc).toBe(r.aus[0].pcc);
    expect(r.mean.excluded).toEqual([{ au: 2, metric: 'pcc', reason: 'truth is constant: correlation is undefined' }]);
  });

  it('all NaN: every AU "no data", every mean NaN over 0 AUs; no frames likewise', () => {
    const r = auReport([[1, 2]], [[NaN, NaN]], [1, 2]);
    expect(r.aus.map((row) => row.n)).toEqual([0, 0]);
    expect(r.mean.counts).toEqual({ icc: 0, mae: 0, mse: 0, pcc: 0 });
    expect(r.mean.mae).toBeNaN();
    expect(auReport([], [], [1]).aus[0]).toMatchObject({ n: 0, notes: ['no data'] });
  });

  it('one labelled frame: MAE/MSE defined, ICC and PCC undefined with reasons', () => {
    const r = auReport([[2]], [[3]], [12]);
    expect(r.aus[0]).toMatchObject({ n: 1, mae: 1, mse: 1 });
    expect(r.aus[0].notes).toEqual(['ICC undefined: one labelled frame', 'PCC undefined: one pair: correlation is undefined']);
    const same = auReport([[2], [2]], [[2], [2]], [12]);
    expect(same.aus[0].notes[0]).toBe('ICC undefined: predictions and truth are all the same value');
    expect(same.aus[0]).toMatchObject({ mae: 0, mse: 0 });
  });

  it('accepts Float32Array rows', () => {
    const r = auReport([new Float32Array([1]), new Float32Array([2]), new Float32Array([4])], [[1], [2], [3]], [6]);
    expect(r.aus[0].mae).toBeCloseTo(1 / 3, 6);
  });

  it('is plain JSON (NaN → null)', () => {
    const parsed = JSON.parse(JSON.stringify(report));
    expect(parsed.aus[2].icc).toBeNull();
    expect(parsed.mean.counts.icc).toBe(2);
  });

  it('names the argument and sizes for ragged or mismatched input', () => {
    expect(() => auReport([[1, 2], [1]], [[1, 2], [1, 2]], [1, 2])).toThrow(/predictions is ragged or mismatched: predictions\[1\] has 1 values but aus \(2 AUs\) has 2/);
    expect(() => auReport([[1, 2]], [[1, 2, 3]], [1, 2])).toThrow(/truth\[0\] has 3 values but aus \(2 AUs\) has 2/);
    expect(() => auReport([[1], [2]], [[1]], [1])).toThrow(/predictions has 2 frames but truth has 1/);
    expect(() => auReport([[NaN]], [[1]], [4])).toThrow(/frame 0, AU 4 \(column 0\): prediction NaN, truth 1/);
    expect(() => auReport([[1]], [[Infinity]], [4])).toThrow(/truth finite or NaN/);
    expect(() => auReport([[1]], [[1]], 'AU1' as never)).toThrow(/aus must be an array of AU numbers/);
  });
});
