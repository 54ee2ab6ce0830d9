import { describe, expect, it } from 'vitest';
import type { Sample } from '@g2rl/datasets';
import { verdict } from './ablation.js';
import { flagsToOverrides } from './cli.js';
import { resolveConfig } from './config.js';
import { fewerSubjects } from './split.js';

const interval = (low: number, high: number) => ({ estimate: (low + high) / 2, low, high, confidence: 0.95, resamples: 100, undefinedResamples: 0, seed: 1, method: 'percentile' as const });

describe('verdict', () => {
  it('says which way the interval falls, including "no difference shown"', () => {
    expect(verdict(interval(0.001, 0.02))).toMatch(/^G2RL is ahead/);
    expect(verdict(interval(-0.02, -0.001))).toMatch(/^The λ = 0 baseline is ahead/);
    expect(verdict(interval(-0.004, 0.009))).toMatch(/^No difference is shown: the 95 % interval includes 0/);
  });
});

describe('fewerSubjects', () => {
  const samples = Array.from({ length: 20 }, (_, i) => ({ subject: `S${String(i).padStart(3, '0')}` }) as Sample);
  const subjects = samples.map((s) => s.subject);
  it('takes a seeded subset, nested across sizes', () => {
    const five = fewerSubjects(subjects, samples, 5, 3);
    const ten = fewerSubjects(subjects, samples, 10, 3);
    expect(five).toHaveLength(5);
    expect(five.every((s) => ten.includes(s))).toBe(true);
    expect(fewerSubjects(subjects, samples, 5, 4)).not.toEqual(five);
    expect(() => fewerSubjects(subjects, samples, 21, 3)).toThrow(/21 training subjects asked for, but the split has 20/);
  });
});

describe('reader options from flags and config', () => {
  it('maps every reader flag onto its config field', () => {
    const o = flagsToOverrides({
      subjects: 'SN001, SN003', 'images-dir': 'frames', 'landmarks-dir': 'marks', camera: 'right', 'landmark-numbering': 'from-0',
      'videos-dir': 'vids', 'no-image-check': true, scheme: 'ibug68', 'synthetic-seed': '4', 'max-train-subjects': '25',
    });
    expect(o.data).toMatchObject({
      subjects: ['SN001', 'SN003'], imagesDir: 'frames', landmarksDir: 'marks', syntheticSeed: 4, maxTrainSubjects: 25,
      disfa: { camera: 'right', landmarkNumbering: 'from-0', videosDir: 'vids' }, manifest: { checkImages: false, scheme: 'ibug68' },
    });
    const c = resolveConfig({ overrides: o });
    expect(c.data.disfa).toEqual({ camera: 'right', landmarkNumbering: 'from-0', videosDir: 'vids' });
    expect(c.data.manifest).toEqual({ checkImages: false, scheme: 'ibug68' });
  });

  it('names a bad reader field and what would be right', () => {
    expect(() => resolveConfig({ overrides: flagsToOverrides({ camera: 'top' }) })).toThrow(/field data\.disfa\.camera must be one of "left", "right", got "top"/);
    expect(() => resolveConfig({ overrides: flagsToOverrides({ 'landmark-numbering': '2' }) })).toThrow(/data\.disfa\.landmarkNumbering must be one of "auto", "from-0", "from-1"/);
    expect(() => resolveConfig({ overrides: flagsToOverrides({ scheme: 'dlib' }) })).toThrow(/data\.manifest\.scheme must be one of "ibug68", "disfa66", "bp4d49"/);
    expect(() => resolveConfig({ overrides: { data: { subjects: [] } } })).toThrow(/data\.subjects must be null or a non-empty list/);
    expect(() => flagsToOverrides({ subjects: ' , ' })).toThrow(/--subjects: expected subject ids/);
  });
});
