/**
 * AU intensity time series that behave like coded video: mostly neutral frames, expressions
 * as onset–apex–offset episodes, and AUs that co-occur the way they do in spontaneous data
 * (6 with 12, 1 with 2, 25 with 26, 4 with 9, …), plus single-AU episodes so that every AU
 * is also seen on its own.
 */
import { SYNTHETIC_AUS } from './action-units.js';
import type { SyntheticRng } from './rng.js';

/** An expression: AU → [relative strength, probability that the AU takes part]. */
interface Expression {
  name: string;
  weight: number;
  aus: Record<number, [number, number]>;
}

/** The expression repertoire (weights = how often each is chosen). */
export const EXPRESSIONS: readonly Expression[] = [
  { name: 'smile', weight: 3, aus: { 12: [1, 1], 6: [0.8, 0.85], 25: [0.6, 0.4] } },
  { name: 'laugh', weight: 1, aus: { 12: [1, 1], 6: [0.9, 1], 25: [0.9, 1], 26: [0.8, 0.9] } },
  { name: 'surprise', weight: 1.2, aus: { 1: [1, 1], 2: [0.95, 0.95], 5: [0.8, 0.7], 25: [0.7, 0.7], 26: [0.7, 0.6] } },
  { name: 'brow raise', weight: 1.2, aus: { 1: [1, 1], 2: [0.9, 0.85] } },
  { name: 'frown', weight: 1.2, aus: { 4: [1, 1], 9: [0.6, 0.4], 17: [0.6, 0.3] } },
  { name: 'disgust', weight: 0.9, aus: { 9: [1, 1], 4: [0.7, 0.75], 25: [0.5, 0.5], 15: [0.5, 0.3] } },
  { name: 'sadness', weight: 0.9, aus: { 1: [0.8, 0.9], 4: [0.7, 0.8], 15: [1, 1], 17: [0.7, 0.7] } },
  { name: 'fear', weight: 0.6, aus: { 1: [1, 1], 2: [0.7, 0.8], 4: [0.6, 0.7], 5: [0.9, 0.9], 20: [1, 1], 25: [0.7, 0.8] } },
  { name: 'talk', weight: 1.2, aus: { 25: [1, 1], 26: [0.7, 0.7] } },
  { name: 'doubt', weight: 0.7, aus: { 17: [1, 1], 15: [0.6, 0.5] } },
  { name: 'stretch', weight: 0.6, aus: { 20: [1, 1], 25: [0.5, 0.5] } },
];

/** Weight of single-AU episodes (one AU alone). */
const SINGLE_AU_WEIGHT = 7;
/**
 * Which AU a single-AU episode shows, relative odds in `SYNTHETIC_AUS` order: the AUs that
 * expressions rarely bring (5, 9, 15, 17, 20) more often, so each AU is seen alone and often
 * enough to be learnt, and the frequent ones (6, 12, 25) less.
 */
const SINGLE_AU_ODDS: readonly number[] = [0.5, 0.8, 0.8, 1.4, 0.4, 2, 0.4, 1.6, 1.6, 2, 0.4, 1.0];

export interface IntensitySequence {
  /** Rendered intensities, frames × A (A = 12, `SYNTHETIC_AUS` order), continuous in [0, 5]. */
  continuous: Float32Array;
  /** FACS-style labels: round(continuous) (0.5 rounds up), frames × A, integers 0–5. */
  labels: Uint8Array;
  frames: number;
}

/** Smooth ramp 0 → 1 (smoothstep). */
const smooth = (u: number): number => (u <= 0 ? 0 : u >= 1 ? 1 : u * u * (3 - 2 * u));

/**
 * One subject's AU time series.
 *
 * Episodes start after neutral gaps of 3–24 frames (sometimes overlapping the previous one
 * by a few frames, then the larger intensity wins); each has onset 3–7, apex 1–6 and offset
 * 3–7 frames (so at most 5·1.5/3 = 2.5 levels change per frame), and an apex level 0.8…5 (skewed low, as in spontaneous data) scaled per AU.
 * The series starts at a random phase so a short sequence can open mid-expression.
 */
export function sampleIntensitySequence(rng: SyntheticRng, frames: number): IntensitySequence {
  if (!Number.isInteger(frames) || frames < 1) throw new Error(`sampleIntensitySequence: frames must be a positive integer, got ${frames}`);
  const A = SYNTHETIC_AUS.length;
  const continuous = new Float32Array(frames * A);
  const totalWeight = EXPRESSIONS.reduce((s, e) => s + e.weight, SINGLE_AU_WEIGHT);
  let time = -rng.uniform(0, 20);
  while (time < frames) {
    const onset = rng.uniform(3, 7);
    const apex = rng.uniform(1, 6);
    const offset = rng.uniform(3, 7);
    const level = 0.8 + 4.2 * Math.pow(rng.next(), 1.25);
    const peaks = new Float32Array(A);
    let pick = rng.uniform(0, totalWeight);
    const expression = EXPRESSIONS.find((e) => (pick -= e.weight) < 0);
    if (expression) {
      for (const [auText, [strength, probability]] of Object.entries(expression.aus)) {
        const included = rng.chance(probability);
        const jitter = rng.uniform(0.8, 1.2);
        if (included) peaks[SYNTHETIC_AUS.indexOf(Number(auText))] = Math.min(5, level * strength * jitter);
      }
    } else {
      let odds = rng.uniform(0, SINGLE_AU_ODDS.reduce((sum, v) => sum + v, 0));
      const a = SINGLE_AU_ODDS.findIndex((v) => (odds -= v) < 0);
      peaks[a < 0 ? A - 1 : a] = level;
    }
    const start = time;
    const end = start + onset + apex + offset;
    for (let f = Math.max(0, Math.ceil(start)); f < Math.min(frames, end); f++) {
      const u = f - start;
      const profile = u < onset ? smooth(u / onset) : u < onset + apex ? 1 : 1 - smooth((u - onset - apex) / offset);
      for (let a = 0; a < A; a++) {
        const v = peaks[a] * profile;
        if (v > continuous[f * A + a]) continuous[f * A + a] = v;
      }
    }
    const gap = rng.chance(0.15) ? -rng.uniform(1, 3) : rng.uniform(3, 24);
    time = end + gap;
  }
  const labels = new Uint8Array(frames * A);
  for (let k = 0; k < continuous.length; k++) labels[k] = Math.min(5, Math.floor(continuous[k] + 0.5));
  return { continuous, labels, frames };
}
