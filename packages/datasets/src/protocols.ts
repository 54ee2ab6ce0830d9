import { mixSeed, mulberry32, permutation } from '@g2rl/common';
import type { Sample } from './sample.js';

/**
 * DISFA's 27 subjects as distributed (SN014, SN015, SN019, SN020 and SN022 do not exist),
 * in three fixed parts of nine: the subject-independent split used widely in AU work since
 * JAA-Net (Shao et al., ECCV 2018), so results compare with published figures.
 */
export const DISFA_PARTS: readonly (readonly string[])[] = [
  ['SN002', 'SN010', 'SN001', 'SN026', 'SN027', 'SN032', 'SN030', 'SN009', 'SN016'],
  ['SN013', 'SN018', 'SN011', 'SN028', 'SN012', 'SN006', 'SN031', 'SN021', 'SN024'],
  ['SN003', 'SN029', 'SN023', 'SN025', 'SN008', 'SN005', 'SN007', 'SN017', 'SN004'],
];

export const DISFA_SUBJECTS: readonly string[] = DISFA_PARTS.flat().sort();

/** BP4D's 41 subjects: F001–F023 and M001–M018. */
export const BP4D_SUBJECTS: readonly string[] = [
  ...Array.from({ length: 23 }, (_, i) => `F${String(i + 1).padStart(3, '0')}`),
  ...Array.from({ length: 18 }, (_, i) => `M${String(i + 1).padStart(3, '0')}`),
];

export interface SubjectSplit {
  train: string[];
  test: string[];
}

/**
 * DISFA 3-fold subject-independent cross-validation (docs/method.md §5): fold k tests on
 * DISFA_PARTS[k] and trains on the other two parts.
 */
export function disfaFolds(): SubjectSplit[] {
  return DISFA_PARTS.map((part, k) => ({
    test: [...part],
    train: DISFA_PARTS.filter((_, j) => j !== k).flat(),
  }));
}

/**
 * BP4D as in FERA 2015 (docs/method.md §5): train on the odd-numbered subjects (F001, F003, …,
 * M001, …), test on the even-numbered ones. The number is the digits of the id.
 * @param subjects the subjects to split (default all 41 of BP4D_SUBJECTS)
 */
export function bp4dFera2015Split(subjects: readonly string[] = BP4D_SUBJECTS): SubjectSplit {
  const split: SubjectSplit = { train: [], test: [] };
  for (const subject of subjects) {
    const digits = /(\d+)$/.exec(subject);
    if (!digits) throw new Error(`bp4dFera2015Split: subject ${JSON.stringify(subject)} has no number (expected e.g. F001)`);
    (Number(digits[1]) % 2 === 1 ? split.train : split.test).push(subject);
  }
  return split;
}

/** The samples whose subject is in `subjects`. */
export function samplesOf(samples: readonly Sample[], subjects: readonly string[]): Sample[] {
  const wanted = new Set(subjects);
  return samples.filter((s) => wanted.has(s.subject));
}

export interface SampleFold extends SubjectSplit {
  trainSamples: Sample[];
  testSamples: Sample[];
}

/**
 * k-fold cross-validation by subject for any data set: every subject's samples land in
 * exactly one test fold. Subjects are shuffled by `seed`, then, largest first, each goes to
 * the fold with the fewest samples so far, which keeps folds close in size.
 */
export function subjectKFold(samples: readonly Sample[], k: number, seed: number): SampleFold[] {
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(s.subject, (counts.get(s.subject) ?? 0) + 1);
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`subjectKFold: k must be an integer ≥ 2, got ${k}`);
  if (counts.size < k) throw new RangeError(`subjectKFold: ${counts.size} subjects cannot fill k = ${k} folds; use k ≤ ${counts.size}`);
  const names = [...counts.keys()].sort();
  const order = permutation(names.length, mulberry32(mixSeed(seed, 0x6b666f6c)));
  const shuffled = Array.from(order, (i) => names[i]);
  // stable sort keeps the seeded order among subjects of equal size
  shuffled.sort((a, b) => counts.get(b)! - counts.get(a)!);
  const folds = Array.from({ length: k }, () => ({ subjects: [] as string[], size: 0 }));
  for (const subject of shuffled) {
    const smallest = folds.reduce((best, fold) => (fold.size < best.size ? fold : best), folds[0]);
    smallest.subjects.push(subject);
    smallest.size += counts.get(subject)!;
  }
  return folds.map((fold) => {
    const test = fold.subjects.slice().sort();
    const train = names.filter((n) => !fold.subjects.includes(n));
    return { test, train, testSamples: samplesOf(samples, test), trainSamples: samplesOf(samples, train) };
  });
}
