import type { LandmarkScheme } from '@g2rl/heatmaps';
import { applyAffine, invertAffine, similarityTransform, type Affine } from './affine.js';
import { assertRgbImage, type RgbImage } from './rgb-image.js';
import { toFlatPoints, type PointsLike } from './points.js';
import { alignmentTemplate, stablePointIndices, type AlignmentPoints } from './template.js';
import { warpAffine, type WarpOptions } from './warp.js';

export interface AlignOptions {
  /** S, the side of the square crop (default 128). */
  size?: number;
  /** Landmark scheme of `landmarks` (default 'ibug68'). */
  scheme?: LandmarkScheme;
  /**
   * Which landmarks the similarity is fitted on: 'rigid' (default; eye corners and nose —
   * IBUG68_RIGID_POINTS), 'stable' (the same plus the chin — IBUG68_STABLE_POINTS, docs/method.md
   * §1) or 'all'. 'rigid' is the default because the chin moves with AU26/27: with it, a jaw
   * drop of 0.3 inter-ocular distances rescales the crop by ≈ 9 % and moves every AU point.
   */
  points?: AlignmentPoints;
  /** Border handling of the warp (default black constant border). */
  border?: WarpOptions['border'];
}

export interface AlignedFace {
  /** The S×S×3 crop. */
  image: RgbImage;
  /** All N landmarks in crop coordinates, Float32Array N×2. */
  landmarks: Float32Array;
  /** Similarity from source-image to crop coordinates. */
  transform: Affine;
  /** Crop to source-image coordinates (to draw results on the original picture). */
  inverse: Affine;
}

/**
 * The similarity that maps `landmarks` (N×2, image pixels) onto the alignment template of
 * an S×S crop, fitted by least squares on the stable points or on all of them.
 */
export function alignmentTransform(landmarks: PointsLike, options: AlignOptions = {}): Affine {
  const { size = 128, scheme = 'ibug68', points = 'rigid' } = options;
  const template = alignmentTemplate(scheme, size);
  const flat = toFlatPoints(landmarks, 'alignFace: landmarks');
  if (flat.length !== template.length) {
    throw new RangeError(
      `alignFace: landmarks has ${flat.length / 2} points but scheme '${scheme}' has ${template.length / 2}; pass the matching scheme`,
    );
  }
  if (points !== 'stable' && points !== 'rigid' && points !== 'all') {
    throw new Error(`alignFace: points must be 'stable', 'rigid' or 'all', got ${JSON.stringify(points)}`);
  }
  if (points === 'all') return similarityTransform(flat, template);
  const indices = stablePointIndices(scheme, points === 'rigid');
  const src = new Float64Array(indices.length * 2);
  const dst = new Float64Array(indices.length * 2);
  indices.forEach((index, k) => {
    src[2 * k] = flat[2 * index];
    src[2 * k + 1] = flat[2 * index + 1];
    dst[2 * k] = template[2 * index];
    dst[2 * k + 1] = template[2 * index + 1];
  });
  return similarityTransform(src, dst);
}

/**
 * Aligns a face: fits the similarity from its landmarks to the template, warps the image
 * into an S×S crop (bilinear) and moves the landmarks with it. Training, evaluation and
 * serving all call this, so a model sees faces framed the same way everywhere.
 * @param image the source RgbImage
 * @param landmarks N×2 in source pixels (flat or [x, y][]), in `options.scheme`
 */
export function alignFace(image: RgbImage, landmarks: PointsLike, options: AlignOptions = {}): AlignedFace {
  assertRgbImage(image, 'alignFace: image');
  const size = options.size ?? 128;
  const transform = alignmentTransform(landmarks, options);
  return {
    image: warpAffine(image, transform, size, { border: options.border }),
    landmarks: applyAffine(transform, landmarks),
    transform,
    inverse: invertAffine(transform),
  };
}
