import { describe, expect, it } from 'vitest';
import { auReport } from '@g2rl/metrics';
import { resolveConfig } from './config.js';
import { calibratesRun, uncalibratedPredictions, withCalibration, type StoredEvaluation } from './stored-evaluation.js';

const aus = [1, 2];
const predictions = [[0.5, 1], [1, 4], [2, 0], [3, 4.5]];
const truth = [[1, 2], [2, 5], [4, Number.NaN], [5, 5]];
const evaluation: StoredEvaluation = {
  format: 'g2rl-evaluation/1',
  name: 'r',
  configHash: 'h',
  seed: 1,
  lambda: 0,
  split: { description: 'd', trainSubjects: ['a'], testSubjects: ['b', 'c'], trainImages: 10, testImages: 4 },
  aus,
  ids: ['b/1', 'b/2', 'c/1', 'c/2'],
  subjects: ['b', 'b', 'c', 'c'],
  predictions,
  truth,
  report: auReport(predictions, truth, aus),
  seconds: 1,
};
const fitted = { scale: [2, 1.5], validation: { description: 'validation subjects (2, seed 1)', frames: 8, identities: 2 } };

describe('calibratesRun', () => {
  it('calibrates only runs that keep validation subjects and score the test subjects', () => {
    expect(calibratesRun(resolveConfig({ preset: 'demo' }))).toBe(true);
    expect(calibratesRun(resolveConfig({ preset: 'demo', overrides: { data: { heldOut: 'validation' } } }))).toBe(false);
    expect(calibratesRun(resolveConfig({}))).toBe(false);
  });
});

describe('withCalibration', () => {
  it('scores the factors applied to the test predictions (clamped to 5) and keeps the uncalibrated decode beside them', () => {
    const c = withCalibration(evaluation, fitted);
    expect(c.predictions).toEqual([[1, 1.5], [2, 5], [4, 0], [5, 5]]);
    expect(c.report.mean.icc).toBeCloseTo(auReport(c.predictions, truth, aus).mean.icc, 12);
    expect(c.report.mean.icc).not.toBeCloseTo(evaluation.report.mean.icc, 3);
    expect(c.calibration).toMatchObject({ scale: [2, 1.5], fittedOn: 'validation subjects (2, seed 1)', frames: 8, identities: 2 });
    expect(uncalibratedPredictions(c)).toBe(predictions);
    expect(c.calibration!.uncalibratedReport).toBe(evaluation.report);
    expect(uncalibratedPredictions(evaluation)).toBe(predictions);
  });

  it('refitting starts from the uncalibrated decode, never from calibrated predictions', () => {
    const twice = withCalibration(withCalibration(evaluation, fitted), { ...fitted, scale: [1, 1] });
    expect(twice.predictions).toEqual(predictions);
    expect(twice.report).toEqual(evaluation.report);
  });
});
