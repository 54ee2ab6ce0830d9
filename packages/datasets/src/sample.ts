import type { LandmarkScheme } from '@g2rl/heatmaps';
import type { SkippedRecord } from './errors.js';

/**
 * One labelled face image.
 * - `landmarks`: Float32Array N×2 in image pixels (x, y), N per `scheme` (68 / 66 / 49).
 * - `intensities`: Float32Array A, aligned with `aus`; NaN = not labelled (never 0).
 */
export interface Sample {
  /** Unique within the data set, e.g. 'SN001/0042'. */
  id: string;
  subject: string;
  frame: number;
  /** Path of the image file (absolute, or as given by the manifest resolved against it). */
  image: string;
  landmarks: Float32Array;
  scheme: LandmarkScheme;
  aus: number[];
  intensities: Float32Array;
}

/**
 * What the readers return: the samples, plus what was skipped with `{ skipBad: true }`
 * (empty otherwise, since without it the first bad record throws).
 */
export type SampleList = Sample[] & { skipped: SkippedRecord[] };

export function sampleList(samples: Sample[], skipped: SkippedRecord[]): SampleList {
  return Object.assign(samples, { skipped });
}

/** Number of landmarks per scheme (kept here so validation needs no table lookup). */
export const SCHEME_SIZES: Record<LandmarkScheme, number> = { ibug68: 68, disfa66: 66, bp4d49: 49 };

/** The scheme whose N matches a landmark count, or undefined. */
export function schemeForCount(n: number): LandmarkScheme | undefined {
  return (Object.keys(SCHEME_SIZES) as LandmarkScheme[]).find((s) => SCHEME_SIZES[s] === n);
}

/** Why these landmarks are unusable (wrong length, non-finite), or undefined if fine. */
export function landmarkProblem(landmarks: ArrayLike<number>, scheme: LandmarkScheme): string | undefined {
  const n = SCHEME_SIZES[scheme];
  if (n === undefined) return `unknown scheme ${JSON.stringify(scheme)} (expected ibug68, disfa66 or bp4d49)`;
  if (landmarks.length !== 2 * n) return `scheme ${scheme} needs ${2 * n} numbers (N = ${n} points × 2), got ${landmarks.length}`;
  for (let i = 0; i < landmarks.length; i++) {
    if (!Number.isFinite(landmarks[i])) return `landmark ${i >> 1} ${i % 2 ? 'y' : 'x'} is ${landmarks[i]}, expected a finite number`;
    // Samples keep landmarks as float32: a finite double beyond ±3.4e38 would become Infinity there.
    if (!Number.isFinite(Math.fround(landmarks[i]))) return `landmark ${i >> 1} ${i % 2 ? 'y' : 'x'} is ${landmarks[i]}, beyond the float32 range (±3.4e38)`;
  }
  return undefined;
}

/**
 * Why an intensity is unusable, or undefined. NaN means missing and is allowed; anything
 * else must lie in [0, 5] (FACS intensities A–E are 1–5, 0 = absent).
 */
export function intensityProblem(value: number): string | undefined {
  if (Number.isNaN(value)) return undefined;
  if (!Number.isFinite(value) || value < 0 || value > 5) return `intensity ${value} is outside 0–5`;
  return undefined;
}
