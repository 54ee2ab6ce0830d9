import { describe, expect, it } from 'vitest';
import { auReport } from '@g2rl/metrics';
import { applyIntensityScales, fitIntensityScales } from './calibration.js';

describe('fitIntensityScales', () => {
  it('gives each AU sd(truth) / sd(predicted) (worked by hand), skipping missing labels', () => {
    // AU a: truth 0, 0, 2, 4 (mean 1.5, population sd √(2.25+2.25+0.25+6.25)/2 = √11/2);
    // predictions half of it: sd √11/4 → factor 2. The NaN row is left out of both.
    const truth = [[0], [0], [2], [4], [Number.NaN]];
    const predictions = [[0], [0], [1], [2], [3]];
    const [fit] = fitIntensityScales(predictions, truth, [5], { minActive: 2, min: 1, max: 4 });
    expect(fit).toMatchObject({ au: 5, frames: 4, active: 2 });
    expect(fit.sdTruth).toBeCloseTo(Math.sqrt(11) / 2, 12);
    expect(fit.scale).toBeCloseTo(2, 12);
  });

  it('keeps 1 for too few active frames or constant predictions, and clamps', () => {
    const truth = [[0, 0, 0], [1, 0, 5], [2, 0, 0], [3, 1, 0]];
    const predictions = [[0, 0, 0], [0.1, 0.2, 0.1], [0.2, 0.2, 0], [0.3, 0.2, 0]];
    const fits = fitIntensityScales(predictions, truth, [1, 2, 4], { minActive: 1, min: 1, max: 4 });
    expect(fits[0]).toMatchObject({ scale: 4, note: expect.stringMatching(/sd ratio 10\.000 clamped to \[1, 4\]/) });
    expect(fits[1].scale).toBe(4); // sd(t) = √3/4, sd(p) = √3/40 → 10, clamped
    expect(fitIntensityScales(predictions, truth, [1, 2, 4], { minActive: 3, min: 1, max: 4 })[1]).toMatchObject({ scale: 1, note: '1 active frames (< 3)' });
    expect(fitIntensityScales([[1], [1], [1]], [[0], [1], [2]], [1], { minActive: 1, min: 1, max: 4 })[0]).toMatchObject({ scale: 1, note: 'constant predictions' });
    expect(() => fitIntensityScales([[1]], [], [1])).toThrow(/1 predicted rows but 0 label rows/);
  });

  it('raises ICC(3,1) of shrunk predictions to their Pearson correlation', () => {
    // Predictions = 0.4 × truth + small noise: ICC is far below PCC until the factor is applied.
    const truth = Array.from({ length: 200 }, (_, i) => [i % 10 < 7 ? 0 : (i % 5) + 1]);
    const predictions = truth.map(([t], i) => [Math.max(0, 0.4 * t + 0.05 * Math.sin(i * 1.7))]);
    const [fit] = fitIntensityScales(predictions, truth, [12]);
    const before = auReport(predictions, truth, [12]);
    const after = auReport(applyIntensityScales(predictions, [fit.scale]), truth, [12]);
    expect(before.mean.icc).toBeLessThan(before.mean.pcc - 0.2);
    expect(after.mean.icc).toBeGreaterThan(before.mean.icc + 0.2);
    expect(after.mean.icc).toBeCloseTo(after.mean.pcc, 2);
  });
});
