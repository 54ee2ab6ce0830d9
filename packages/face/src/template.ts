import { LANDMARK_SCHEMES, MEAN_FACE_IBUG68, type LandmarkScheme } from '@g2rl/heatmaps';

/** Name of the alignment template, for model cards (`alignment.template`). */
export const ALIGNMENT_TEMPLATE = 'g2rl-mean-face-ibug68/1';

/**
 * Fraction of the crop left free on each side of the mean face's bounding box (brow tops
 * to chin, jaw to jaw). 0.1 keeps raised brows (AU1/2), a dropped jaw (AU26/27) and the
 * augmentation's small rotations and shifts inside the crop.
 */
export const ALIGNMENT_MARGIN = 0.1;

/**
 * iBUG-68 indices that expressions barely move, used by `points: 'stable'` alignment
 * (docs/method.md §1: eye corners, nose and chin). Brows, lids, lips and the jaw line are left
 * out so that an AU does not bend the alignment meant to measure it; the chin (8) stays,
 * as docs/method.md asks, because nothing else pins the vertical scale below the nose.
 */
export const IBUG68_STABLE_POINTS: readonly number[] = [36, 39, 42, 45, 27, 28, 29, 30, 31, 32, 33, 34, 35, 8];

/**
 * IBUG68_STABLE_POINTS without the chin: eye corners and nose only, which no AU moves much.
 * The chin has a long lever on the fitted scale: a jaw drop of 0.3 inter-ocular distances
 * (AU26/27) shrinks a 'stable' crop by ≈ 9 % but leaves a 'rigid' one unchanged.
 */
export const IBUG68_RIGID_POINTS: readonly number[] = IBUG68_STABLE_POINTS.filter((i) => i !== 8);

/** Which landmarks the alignment similarity is fitted on. */
export type AlignmentPoints = 'stable' | 'rigid' | 'all';

/**
 * Target landmark positions in an `size × size` crop: @g2rl/heatmaps' MEAN_FACE_IBUG68
 * (x ∈ [0, 1], y ∈ [0, 0.98]) scaled uniformly so that its bounding box spans
 * `(1 − 2·ALIGNMENT_MARGIN)·size` along its longer side, and centred in the crop (pixel
 * centres at integers, so the crop's centre is ((size−1)/2, (size−1)/2)). The same box is
 * used for every scheme: a 49-point BP4D template is the iBUG template's subset, so faces
 * of every scheme land at the same place and scale.
 * @returns Float32Array N×2 for the scheme's N landmarks
 */
export function alignmentTemplate(scheme: LandmarkScheme = 'ibug68', size = 128): Float32Array {
  const info = LANDMARK_SCHEMES[scheme];
  if (!info) {
    throw new Error(`alignmentTemplate: unknown scheme ${JSON.stringify(scheme)}; expected one of ${Object.keys(LANDMARK_SCHEMES).join(', ')}`);
  }
  if (!(size > 0) || !Number.isFinite(size)) throw new RangeError(`alignmentTemplate: size must be a positive number, got ${size}`);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < 68; i++) {
    minX = Math.min(minX, MEAN_FACE_IBUG68[2 * i]);
    maxX = Math.max(maxX, MEAN_FACE_IBUG68[2 * i]);
    minY = Math.min(minY, MEAN_FACE_IBUG68[2 * i + 1]);
    maxY = Math.max(maxY, MEAN_FACE_IBUG68[2 * i + 1]);
  }
  const scale = ((1 - 2 * ALIGNMENT_MARGIN) * size) / Math.max(maxX - minX, maxY - minY);
  const centre = (size - 1) / 2;
  const midX = (minX + maxX) / 2;
  const midY = (minY + maxY) / 2;
  const out = new Float32Array(info.size * 2);
  info.toIbug68.forEach((ibug, i) => {
    out[2 * i] = centre + (MEAN_FACE_IBUG68[2 * ibug] - midX) * scale;
    out[2 * i + 1] = centre + (MEAN_FACE_IBUG68[2 * ibug + 1] - midY) * scale;
  });
  return out;
}

/**
 * The scheme's own indices of the stable points (those of IBUG68_STABLE_POINTS it has), or
 * with `rigid`, of IBUG68_RIGID_POINTS.
 */
export function stablePointIndices(scheme: LandmarkScheme = 'ibug68', rigid = false): number[] {
  const info = LANDMARK_SCHEMES[scheme];
  if (!info) throw new Error(`stablePointIndices: unknown scheme ${JSON.stringify(scheme)}`);
  const stable = new Set(rigid ? IBUG68_RIGID_POINTS : IBUG68_STABLE_POINTS);
  const out: number[] = [];
  info.toIbug68.forEach((ibug, i) => {
    if (stable.has(ibug)) out.push(i);
  });
  return out;
}
