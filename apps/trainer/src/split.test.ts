import { describe, expect, it } from 'vitest';
import type { Sample } from '@g2rl/datasets';
import { DEFAULT_CONFIG, mergeConfig } from './config.js';
import { isNeutral, limitNeutralFrames, rareAuRepeats, repeatRareAuFrames, splitOf } from './split.js';

const sample = (subject: string, frame: number, intensities: number[]): Sample => ({
  id: `${subject}/${frame}`,
  subject,
  frame,
  image: `${subject}/${frame}.png`,
  landmarks: new Float32Array(136),
  scheme: 'ibug68',
  aus: [1, 2],
  intensities: Float32Array.from(intensities),
});

describe('limitNeutralFrames', () => {
  // 2 active frames, 8 neutral ones (one with a missing label, which is still neutral).
  const samples = [sample('a', 0, [1, 0]), ...Array.from({ length: 7 }, (_, i) => sample('a', i + 1, [0, 0])), sample('a', 8, [0, Number.NaN]), sample('a', 9, [0, 3])];

  it('keeps every active frame and caps neutral ones at the fraction', () => {
    // 2 active frames with a 1/3 cap → floor(2 · (1/3) / (2/3)) = 1 neutral frame.
    const kept = limitNeutralFrames(samples, 1 / 3, 7);
    expect(kept.filter((s) => !isNeutral(s)).map((s) => s.id)).toEqual(['a/0', 'a/9']);
    expect(kept.filter(isNeutral)).toHaveLength(1);
    // 50 % → as many neutral frames as active ones.
    expect(limitNeutralFrames(samples, 0.5, 7).filter(isNeutral)).toHaveLength(2);
  });

  it('is seeded, keeps order, and 1 keeps everything', () => {
    expect(limitNeutralFrames(samples, 0.5, 7).map((s) => s.id)).toEqual(limitNeutralFrames(samples, 0.5, 7).map((s) => s.id));
    const kept = limitNeutralFrames(samples, 0.5, 7).map((s) => s.frame);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    expect(limitNeutralFrames(samples, 1, 7)).toBe(samples);
    expect(limitNeutralFrames(samples, 0, 7).every((s) => !isNeutral(s))).toBe(true);
  });
});

describe('splitOf', () => {
  const samples = ['s1', 's2', 's3', 's4', 's5'].flatMap((subject) => [0, 1, 2].map((f) => sample(subject, f, [f, 0])));

  it('never puts a subject on both sides, on every fold', () => {
    const config = mergeConfig(DEFAULT_CONFIG, { data: { testFraction: 0.2 } });
    for (let fold = 0; fold < 5; fold++) {
      const split = splitOf(samples, config, fold);
      expect(split.testSubjects).toHaveLength(1);
      expect(split.trainSubjects.filter((s) => split.testSubjects.includes(s))).toEqual([]);
      expect(split.train.length + split.test.length).toBe(samples.length);
    }
    expect(() => splitOf(samples, config, 5)).toThrow(/data\.fold: 5 is past the last fold; this protocol has folds 0 to 4/);
  });

  it('keeps validation subjects out of training and off the test side; the training list is the same whichever is scored', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `s${i}`).flatMap((subject) => [0, 1].map((f) => sample(subject, f, [f, 0])));
    const base = mergeConfig(DEFAULT_CONFIG, { data: { testFraction: 0.2, validationSubjects: 3 } });
    for (let fold = 0; fold < 5; fold++) {
      const test = splitOf(ten, base, fold);
      const validation = splitOf(ten, mergeConfig(base, { data: { heldOut: 'validation' } }), fold);
      expect(test.validationSubjects).toHaveLength(3);
      expect(validation.testSubjects).toEqual(test.validationSubjects);
      expect(test.validationSubjects.filter((s) => test.testSubjects.includes(s) || test.trainSubjects.includes(s))).toEqual([]);
      // 10 subjects: 2 test, 3 validation, 5 train; every sample on exactly one side.
      expect(test.trainSubjects).toHaveLength(5);
      expect(validation.train.map((s) => s.id)).toEqual(test.train.map((s) => s.id));
      expect(new Set([...test.train, ...test.test, ...validation.test].map((s) => s.id)).size).toBe(ten.length);
      expect(validation.description).toMatch(/validation subjects \(3, seed 1\)/);
    }
    // Seeded: another seed draws other validation subjects from the same fold.
    const other = splitOf(ten, mergeConfig(base, { seed: 2 }), 0);
    expect(other.validationSubjects).not.toEqual(splitOf(ten, base, 0).validationSubjects);
    expect(() => splitOf(ten, mergeConfig(base, { data: { validationSubjects: 8 } }), 0)).toThrow(/8 validation subjects asked for, but the fold has 8 training subjects/);
    expect(() => splitOf(ten, mergeConfig(DEFAULT_CONFIG, { data: { heldOut: 'validation' } }), 0)).toThrow(/needs data.validationSubjects > 0/);
  });
});

describe('rareAuRepeats', () => {
  // AU1 active in 6 frames, AU2 in 2: median of (2, 6) = 4 → AU2 frames ×2 (4/2), AU1 frames ×1 (round(4/6)).
  const samples = [
    ...Array.from({ length: 6 }, (_, i) => sample('a', i, [1, 0])),
    sample('a', 6, [0, 2]),
    sample('a', 7, [3, 1]),
    sample('a', 8, [0, 0]),
    sample('a', 9, [Number.NaN, 0]),
  ];

  it('repeats frames by the median count over their rarest active AU, capped', () => {
    // AU1 counts frames 0–5 and 7 → 7; AU2 frames 6, 7 → 2; median (2 + 7) / 2 = 4.5.
    // AU2 frames: round(4.5 / 2) = 2 (round half up of 2.25 → 2); AU1-only: round(4.5/7) → 1; neutral 1.
    expect(Array.from(rareAuRepeats(samples, 5))).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 1, 1]);
    expect(Array.from(rareAuRepeats(samples, 1))).toEqual(Array(10).fill(1));
    const rarer = [...samples, ...Array.from({ length: 20 }, (_, i) => sample('b', i, [2, 0]))];
    // AU1 now 27, AU2 2 → median 14.5 → round(7.25) = 7, capped at 3.
    expect(rareAuRepeats(rarer, 3)[6]).toBe(3);
  });

  it('repeatRareAuFrames keeps order and repeats the same objects', () => {
    const out = repeatRareAuFrames(samples, 5);
    expect(out.map((s) => s.frame)).toEqual([0, 1, 2, 3, 4, 5, 6, 6, 7, 7, 8, 9]);
    expect(out[6]).toBe(out[7]);
    expect(repeatRareAuFrames(samples, 1)).toBe(samples);
  });
});
