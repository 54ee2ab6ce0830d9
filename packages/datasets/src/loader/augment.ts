import { LANDMARK_SCHEMES, type LandmarkScheme } from '@g2rl/heatmaps';
import { applyAffine, composeAffine, similarityAbout, type Affine } from '@g2rl/face';

/** Ranges of the seeded augmentation, applied to an aligned S×S crop. */
export interface AugmentOptions {
  /** Probability of a horizontal flip (default 0.5). */
  flipProbability?: number;
  /** Largest rotation, degrees, uniform in ±this (default 10). */
  maxRotationDegrees?: number;
  /** Largest relative scale change, uniform in 1 ± this (default 0.05). */
  maxScale?: number;
  /** Largest shift as a fraction of S, uniform in ±this per axis (default 0.05). */
  maxShift?: number;
  /** Largest brightness change on [0, 1] pixels, uniform in ±this (default 0.1). */
  maxBrightness?: number;
  /** Largest contrast change, factor uniform in 1 ± this (default 0.2). */
  maxContrast?: number;
}

export const DEFAULT_AUGMENT: Required<AugmentOptions> = {
  flipProbability: 0.5,
  maxRotationDegrees: 10,
  maxScale: 0.05,
  maxShift: 0.05,
  maxBrightness: 0.1,
  maxContrast: 0.2,
};

/** One sample's drawn augmentation. */
export interface Augmentation {
  flip: boolean;
  /** radians */
  angle: number;
  scale: number;
  /** pixels */
  shiftX: number;
  shiftY: number;
  brightness: number;
  contrast: number;
}

export const NO_AUGMENTATION: Readonly<Augmentation> = { flip: false, angle: 0, scale: 1, shiftX: 0, shiftY: 0, brightness: 0, contrast: 1 };

/**
 * Draws one sample's augmentation from `random` (always seven draws in the same order, so
 * a sample's augmentation depends only on its seed, whatever the options).
 * @param size S, the crop side in pixels
 */
export function drawAugmentation(random: () => number, size: number, options: AugmentOptions = {}): Augmentation {
  const o = { ...DEFAULT_AUGMENT, ...options };
  // `+ 0` turns −0 (a zero range times a negative draw) into 0
  const symmetric = () => 2 * random() - 1;
  const flip = random() < o.flipProbability;
  const angle = (symmetric() * o.maxRotationDegrees * Math.PI) / 180 + 0;
  const scale = 1 + symmetric() * o.maxScale;
  const shiftX = symmetric() * o.maxShift * size + 0;
  const shiftY = symmetric() * o.maxShift * size + 0;
  const brightness = symmetric() * o.maxBrightness + 0;
  const contrast = 1 + symmetric() * o.maxContrast;
  return { flip, angle, scale, shiftX, shiftY, brightness, contrast };
}

/** The crop → augmented-crop map: mirror (x ↦ S−1−x) if flipped, then rotate/scale about the centre and shift. */
export function augmentationAffine(augmentation: Augmentation, size: number): Affine {
  const centre = (size - 1) / 2;
  const similarity = similarityAbout(centre, centre, augmentation.scale, augmentation.angle, augmentation.shiftX, augmentation.shiftY);
  if (!augmentation.flip) return similarity;
  return composeAffine([-1, 0, size - 1, 0, 1, 0], similarity);
}

/** True when the augmentation leaves the geometry alone (no warp needed). */
export function isGeometricIdentity(augmentation: Augmentation): boolean {
  return !augmentation.flip && augmentation.angle === 0 && augmentation.scale === 1 && augmentation.shiftX === 0 && augmentation.shiftY === 0;
}

/**
 * Moves landmarks N×2 with the augmentation. After a flip the face's left and right swap,
 * so landmark i of the result is the moved landmark `flip[i]` (the scheme's permutation):
 * the subject's left eye stays "left eye" in the mirrored picture.
 */
export function augmentLandmarks(landmarks: Float32Array, augmentation: Augmentation, size: number, scheme: LandmarkScheme): Float32Array {
  const moved = applyAffine(augmentationAffine(augmentation, size), landmarks);
  if (!augmentation.flip) return moved;
  const flip = LANDMARK_SCHEMES[scheme].flip;
  const out = new Float32Array(moved.length);
  for (let i = 0; i < flip.length; i++) {
    out[2 * i] = moved[2 * flip[i]];
    out[2 * i + 1] = moved[2 * flip[i] + 1];
  }
  return out;
}

/**
 * Uint8 RGB → float in [0, 1] with brightness and contrast:
 * `clamp((v/255 − 0.5)·contrast + 0.5 + brightness, 0, 1)`, written into `out` (S·S·3).
 */
export function toUnitFloat(pixels: Uint8Array, out: Float32Array, brightness = 0, contrast = 1): void {
  if (brightness === 0 && contrast === 1) {
    for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] / 255;
    return;
  }
  const gain = contrast / 255;
  const bias = 0.5 - 0.5 * contrast + brightness;
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i] * gain + bias;
    out[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}
