// "Not a face → no face". face-api's SSD gives a cat photo a score of 0.93, and its
// landmark net draws a face-shaped set of 68 points into any box. Two checks tell a face
// from a face-shaped guess:
//  - shift consistency: the landmarks are found again in a box moved by a tenth of its
//    size. On a face they stay on the face (they move ≈ 0); on a non-face the net repeats
//    its prior relative to the box, so they move with the box (≈ the shift).
//  - template fit: the RMS residual of the best similarity fit of the landmarks to the
//    alignment template, in inter-ocular distances (a crumpled shape fits badly).
// quality = detector score × consistency × fit, each in [0, 1]; faces below `minQuality`
// are dropped. The curves' constants were set from bench/quality.bench.mjs (README).
import { alignmentTemplate, applyAffine, similarityTransform, type FaceBox } from '@g2rl/face/pure';
import { interOcularDistance, type LandmarkScheme } from '@g2rl/heatmaps';

/** The box shift of the consistency check, as a fraction of the box's width and height. */
export const QUALITY_SHIFT = 0.1;

/** The default `minQuality`: see the package README for the rates it gives. */
export const DEFAULT_MIN_QUALITY = 0.1;

/** `box` moved right and down by QUALITY_SHIFT of its size. */
export function shiftedBox(box: FaceBox): FaceBox {
  return { x: box.x + QUALITY_SHIFT * box.width, y: box.y + QUALITY_SHIFT * box.height, width: box.width, height: box.height };
}

/**
 * 1 − (mean landmark displacement ÷ box shift), clamped to [0, 1].
 * @param original N×2 landmarks found in `box`; @param shifted N×2 found in `shiftedBox(box)`.
 */
export function shiftConsistency(original: ArrayLike<number>, shifted: ArrayLike<number>, box: FaceBox): number {
  const n = original.length / 2;
  const dx = QUALITY_SHIFT * box.width;
  const dy = QUALITY_SHIFT * box.height;
  const shift = Math.hypot(dx, dy);
  let moved = 0;
  for (let i = 0; i < n; i++) moved += Math.hypot(shifted[2 * i]! - original[2 * i]!, shifted[2 * i + 1]! - original[2 * i + 1]!);
  return clamp01(1 - moved / n / shift);
}

/** RMS residual of the similarity fit of `landmarks` (N×2) to the alignment template, ÷ the template's inter-ocular distance. */
export function templateResidual(landmarks: ArrayLike<number>, scheme: LandmarkScheme): number {
  const template = alignmentTemplate(scheme, 128);
  const fit = similarityTransform(landmarks, template);
  const mapped = applyAffine(fit, landmarks);
  let sum = 0;
  for (let i = 0; i < template.length; i++) sum += (mapped[i]! - template[i]!) ** 2;
  return Math.sqrt(sum / (template.length / 2)) / interOcularDistance(template, scheme);
}

/** Template-fit score: 1 at residual 0, falling linearly to 0 at a residual of 0.5 inter-ocular distances. */
export function templateFit(residual: number): number {
  return clamp01(1 - residual / 0.5);
}

/** The quality of a detected face in [0, 1]: detector score × shift consistency × template fit. */
export function faceQuality(detectorScore: number, consistency: number, fit: number): number {
  return clamp01(detectorScore) * consistency * fit;
}

function clamp01(v: number): number {
  return Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
}
