/**
 * Subject-independent train/test splits for each kind of data (docs/method.md §5): DISFA's fixed
 * 3 folds, BP4D's FERA 2015 split, and a seeded k-fold by subject for anything else.
 * No subject is ever on both sides.
 */
import { bp4dFera2015Split, disfaFolds, samplesOf, subjectKFold, type Sample } from '@g2rl/datasets';
import type { TrainConfig } from './config.js';
import { UserError } from './errors.js';
import { seededPermutation } from '@g2rl/common';

export interface Split {
  train: Sample[];
  /** The held-out samples that are scored: the test subjects', or the validation subjects' when `data.heldOut` is 'validation'. */
  test: Sample[];
  trainSubjects: string[];
  /** The subjects of `test` (validation subjects when `data.heldOut` is 'validation'). */
  testSubjects: string[];
  /** Subjects kept out of training for tuning (`data.validationSubjects`), never the test subjects; [] when none. */
  validationSubjects: string[];
  /** e.g. "DISFA fold 2 of 3", for reports and the model card. */
  description: string;
}

/** How many folds the data's protocol has (`cv` runs them all). */
export function foldCount(config: TrainConfig): number {
  if (config.data.kind === 'disfa') return disfaFolds().length;
  if (config.data.kind === 'bp4d') return 1;
  return Math.max(2, Math.round(1 / config.data.testFraction));
}

export function splitOf(samples: Sample[], config: TrainConfig, fold = config.data.fold): Split {
  const folds = foldCount(config);
  if (fold >= folds) throw new UserError(`data.fold: ${fold} is past the last fold; this protocol has folds 0 to ${folds - 1}`);
  let trainSubjects: string[];
  let testSubjects: string[];
  let description: string;
  if (config.data.kind === 'disfa') {
    ({ train: trainSubjects, test: testSubjects } = disfaFolds()[fold]);
    description = `DISFA 3-fold subject-independent, fold ${fold + 1} of 3`;
  } else if (config.data.kind === 'bp4d') {
    ({ train: trainSubjects, test: testSubjects } = bp4dFera2015Split([...new Set(samples.map((s) => s.subject))]));
    description = 'BP4D FERA 2015: train on odd-numbered subjects, test on even';
  } else {
    const k = subjectKFold(samples, folds, config.seed)[fold];
    ({ train: trainSubjects, test: testSubjects } = k);
    description = `subject ${folds}-fold (seed ${config.seed}), fold ${fold + 1} of ${folds}`;
  }
  let validationSubjects: string[] = [];
  if (config.data.validationSubjects > 0) {
    validationSubjects = validationSubjectsOf(trainSubjects, samples, config.data.validationSubjects, config.seed);
    const held = new Set(validationSubjects);
    trainSubjects = trainSubjects.filter((s) => !held.has(s));
  }
  if (config.data.heldOut === 'validation') {
    if (validationSubjects.length === 0) throw new UserError('data.heldOut: "validation" needs data.validationSubjects > 0 (subjects kept out of training for tuning)');
    testSubjects = validationSubjects;
    description = `${description}, validation subjects (${validationSubjects.length}, seed ${config.seed})`;
  } else if (validationSubjects.length > 0) {
    description = `${description}, ${validationSubjects.length} validation subjects kept out`;
  }
  if (config.data.maxTrainSubjects > 0) trainSubjects = fewerSubjects(trainSubjects, samples, config.data.maxTrainSubjects, config.seed);
  let train = samplesOf(samples, trainSubjects);
  const test = samplesOf(samples, testSubjects);
  if (train.length === 0 || test.length === 0) {
    throw new UserError(`data: the split "${description}" leaves ${train.length} training and ${test.length} test samples; the data needs subjects on both sides`);
  }
  train = limitNeutralFrames(train, config.train.maxNeutralFraction, config.seed);
  if (config.data.maxTrainSamples > 0 && train.length > config.data.maxTrainSamples) train = train.slice(0, config.data.maxTrainSamples);
  train = repeatRareAuFrames(train, config.train.rareAuRepeat);
  // A protocol names all of its subjects; report the ones the data has (a subset may be read).
  const present = new Set(samples.map((s) => s.subject));
  const found = (subjects: string[]) => subjects.filter((s) => present.has(s)).sort();
  return { train, test, trainSubjects: found(trainSubjects), testSubjects: found(testSubjects), validationSubjects: found(validationSubjects), description };
}

/**
 * The validation subjects of a fold: `count` of its training subjects (those the data has),
 * chosen by `seed` (a draw of its own, independent of `fewerSubjects`'), so that tuning never
 * looks at the test subjects and the training list is the same whichever of the two is scored.
 */
export function validationSubjectsOf(trainSubjects: readonly string[], samples: readonly Sample[], count: number, seed: number): string[] {
  const present = new Set(samples.map((s) => s.subject));
  const available = trainSubjects.filter((s) => present.has(s)).sort();
  if (count >= available.length) {
    throw new UserError(`data.validationSubjects: ${count} validation subjects asked for, but the fold has ${available.length} training subjects (some must be left to train on)`);
  }
  const order = seededPermutation(available.length, (seed ^ 0x76616c69) >>> 0);
  return Array.from(order.subarray(0, count), (i) => available[i]).sort();
}

/**
 * At most `count` of `subjects` (those the data has), chosen by `seed`; the same seed gives
 * nested choices (the first 25 of 50 are the 25), so data-efficiency runs add identities.
 */
export function fewerSubjects(subjects: readonly string[], samples: readonly Sample[], count: number, seed: number): string[] {
  const present = new Set(samples.map((s) => s.subject));
  const available = subjects.filter((s) => present.has(s)).sort();
  if (count > available.length) {
    throw new UserError(`data.maxTrainSubjects: ${count} training subjects asked for, but the split has ${available.length}`);
  }
  const order = seededPermutation(available.length, (seed ^ 0x73756273) >>> 0);
  return Array.from(order.subarray(0, count), (i) => available[i]).sort();
}

/** A frame whose every labelled AU is 0 (NaN labels do not count either way). */
export function isNeutral(sample: Sample): boolean {
  return Array.from(sample.intensities).every((v) => !(v > 0));
}

/**
 * Keeps every frame with an active AU and at most enough neutral frames that they make up
 * `maxFraction` of the result, chosen by seed; the order of the kept frames is unchanged.
 */
export function limitNeutralFrames(samples: Sample[], maxFraction: number, seed: number): Sample[] {
  if (maxFraction >= 1) return samples;
  const active = samples.filter((s) => !isNeutral(s)).length;
  const neutral = samples.length - active;
  // + 1e-9: 2 · (1/3) / (2/3) is 0.999… in floating point, and should allow 1.
  const allowed = maxFraction <= 0 ? 0 : Math.floor((active * maxFraction) / (1 - maxFraction) + 1e-9);
  if (neutral <= allowed) return samples;
  const neutralIndices = samples.map((s, i) => (isNeutral(s) ? i : -1)).filter((i) => i >= 0);
  const order = seededPermutation(neutralIndices.length, (seed ^ 0x6e657574) >>> 0);
  const keep = new Set(Array.from(order.subarray(0, allowed), (j) => neutralIndices[j]));
  return samples.filter((s, i) => !isNeutral(s) || keep.has(i));
}

/**
 * How many times each frame goes into an epoch so that rare AUs get about as many gradient
 * steps as the median AU: `clamp(round(median_a c_a / min_{a active in f} c_a), 1, maxRepeat)`,
 * where `c_a` is the number of frames in which AU `a` is active (> 0). Neutral frames and
 * frames of common AUs count once. AUs active in no frame are left out of the median.
 * @returns one repeat count per sample (all 1 when `maxRepeat` ≤ 1)
 */
export function rareAuRepeats(samples: Sample[], maxRepeat: number): Uint8Array {
  const repeats = new Uint8Array(samples.length).fill(1);
  if (maxRepeat <= 1 || samples.length === 0) return repeats;
  const A = samples[0].intensities.length;
  const counts = new Array<number>(A).fill(0);
  for (const s of samples) for (let a = 0; a < A; a++) if (s.intensities[a] > 0) counts[a]++;
  const present = counts.filter((c) => c > 0).sort((x, y) => x - y);
  if (present.length === 0) return repeats;
  const mid = present.length >> 1;
  const median = present.length % 2 ? present[mid] : (present[mid - 1] + present[mid]) / 2;
  samples.forEach((s, i) => {
    let rarest = Infinity;
    for (let a = 0; a < A; a++) if (s.intensities[a] > 0) rarest = Math.min(rarest, counts[a]);
    if (rarest < Infinity) repeats[i] = Math.max(1, Math.min(maxRepeat, Math.round(median / rarest)));
  });
  return repeats;
}

/** The training list with each frame repeated {@link rareAuRepeats} times (in place, order kept). */
export function repeatRareAuFrames(samples: Sample[], maxRepeat: number): Sample[] {
  if (maxRepeat <= 1) return samples;
  const repeats = rareAuRepeats(samples, maxRepeat);
  return samples.flatMap((s, i) => Array.from({ length: repeats[i] }, () => s));
}
