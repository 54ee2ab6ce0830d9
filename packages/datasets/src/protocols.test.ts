import { describe, expect, it } from 'vitest';
import { BP4D_SUBJECTS, bp4dFera2015Split, DISFA_SUBJECTS, disfaFolds, subjectKFold } from './protocols.js';
import type { Sample } from './sample.js';

function fakeSamples(perSubject: Record<string, number>): Sample[] {
  return Object.entries(perSubject).flatMap(([subject, n]) =>
    Array.from({ length: n }, (_, frame) => ({
      id: `${subject}/${frame}`, subject, frame, image: 'x.png', scheme: 'ibug68' as const,
      landmarks: new Float32Array(136), aus: [1], intensities: new Float32Array(1),
    })),
  );
}

describe('disfaFolds', () => {
  it('covers the 27 distributed subjects, each tested exactly once, never in train and test', () => {
    const folds = disfaFolds();
    expect(DISFA_SUBJECTS).toHaveLength(27);
    expect(folds).toHaveLength(3);
    expect(folds.flatMap((f) => f.test).sort()).toEqual([...DISFA_SUBJECTS]);
    for (const fold of folds) {
      expect(fold.test).toHaveLength(9);
      expect(fold.train).toHaveLength(18);
      expect(fold.train.filter((s) => fold.test.includes(s))).toEqual([]);
    }
    for (const missing of ['SN014', 'SN015', 'SN019', 'SN020', 'SN022']) expect(DISFA_SUBJECTS).not.toContain(missing);
  });
});

describe('bp4dFera2015Split', () => {
  it('trains on odd-numbered subjects and tests on even ones', () => {
    const { train, test } = bp4dFera2015Split();
    expect(train.length + test.length).toBe(41);
    expect(train).toContain('F001');
    expect(train).toContain('M017');
    expect(test).toContain('F002');
    expect(test).toContain('M018');
    expect(train.filter((s) => test.includes(s))).toEqual([]);
    expect(BP4D_SUBJECTS.filter((s) => Number(s.slice(1)) % 2 === 1).sort()).toEqual(train.slice().sort());
    expect(() => bp4dFera2015Split(['Fxyz'])).toThrow(/Fxyz/);
  });
});

describe('subjectKFold', () => {
  const samples = fakeSamples({ a: 5, b: 5, c: 5, d: 5, e: 5, f: 5, g: 12, h: 1 });

  it('puts every subject in exactly one test fold and never in train and test at once', () => {
    const folds = subjectKFold(samples, 3, 7);
    expect(folds.flatMap((f) => f.test).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    for (const fold of folds) {
      expect(fold.testSamples.every((s) => fold.test.includes(s.subject))).toBe(true);
      expect(fold.trainSamples.every((s) => !fold.test.includes(s.subject))).toBe(true);
      expect(fold.trainSamples.length + fold.testSamples.length).toBe(samples.length);
    }
  });

  it('is determined by the seed', () => {
    expect(subjectKFold(samples, 3, 7).map((f) => f.test)).toEqual(subjectKFold(samples, 3, 7).map((f) => f.test));
    const assignments = new Set([1, 2, 3, 4, 5, 6].map((seed) => JSON.stringify(subjectKFold(samples, 3, seed).map((f) => f.test))));
    expect(assignments.size).toBeGreaterThan(1);
  });

  it('keeps folds close in size', () => {
    const sizes = subjectKFold(samples, 3, 1).map((f) => f.testSamples.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(5);
  });

  it('refuses impossible k', () => {
    expect(() => subjectKFold(samples, 9, 0)).toThrow(/8 subjects cannot fill k = 9/);
    expect(() => subjectKFold(samples, 1, 0)).toThrow(/k must be an integer ≥ 2/);
  });
});
