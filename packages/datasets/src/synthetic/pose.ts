/**
 * Where a face sits in the image: a similarity transform from canonical face units to image
 * pixels. The SVG draws the face inside `<g transform="matrix(a b c d e f)">` with exactly
 * this matrix, so the transformed landmarks are the labels of the rendered image.
 */

/** In-plane pose of a face in an S×S image. */
export interface FacePose {
  /** In-plane rotation in degrees, positive = clockwise on screen (y points down). */
  rotation: number;
  /** Pixels per canonical face unit (the face is ≈ 0.89 units wide between the ears). */
  scale: number;
  /** Image position (px) of the canonical origin (on the nose ridge). */
  centerX: number;
  centerY: number;
}

/** Affine `[a, b, c, d, e, f]` mapping (x, y) → (a·x + c·y + e, b·x + d·y + f), as SVG's `matrix()`. */
export type Affine2d = [number, number, number, number, number, number];

export function poseMatrix(pose: FacePose): Affine2d {
  const theta = (pose.rotation * Math.PI) / 180;
  const cos = Math.cos(theta) * pose.scale;
  const sin = Math.sin(theta) * pose.scale;
  return [cos, sin, -sin, cos, pose.centerX, pose.centerY];
}

/**
 * Apply an affine transform to points.
 * @param points Float32Array N×2 (flat x, y)
 * @returns Float32Array N×2
 */
export function transformPoints(points: ArrayLike<number>, m: Affine2d): Float32Array {
  if (points.length % 2 !== 0) throw new Error(`transformPoints: points must be flat x,y pairs, got an odd length ${points.length}`);
  const out = new Float32Array(points.length);
  for (let k = 0; k < points.length; k += 2) {
    const x = points[k];
    const y = points[k + 1];
    out[k] = m[0] * x + m[2] * y + m[4];
    out[k + 1] = m[1] * x + m[3] * y + m[5];
  }
  return out;
}
