import { toFlatPoints, type PointsLike } from './points.js';

/**
 * A 2×3 affine map, row-major `[a, b, tx, c, d, ty]`:
 * `x' = a·x + b·y + tx`, `y' = c·x + d·y + ty` (pixel coordinates, pixel centre at integers).
 */
export type Affine = [number, number, number, number, number, number];

export const IDENTITY_AFFINE: Readonly<Affine> = [1, 0, 0, 0, 1, 0];

/** Applies `affine` to points N×2 → Float32Array N×2 (same layout as the input's flat form). */
export function applyAffine(affine: Readonly<Affine>, points: PointsLike): Float32Array {
  const [a, b, tx, c, d, ty] = affine;
  const flat = toFlatPoints(points);
  const out = new Float32Array(flat.length);
  for (let i = 0; i < flat.length; i += 2) {
    const x = flat[i];
    const y = flat[i + 1];
    out[i] = a * x + b * y + tx;
    out[i + 1] = c * x + d * y + ty;
  }
  return out;
}

/** The inverse map; throws if the linear part is singular. */
export function invertAffine(affine: Readonly<Affine>): Affine {
  const [a, b, tx, c, d, ty] = affine;
  const det = a * d - b * c;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) {
    throw new RangeError(`invertAffine: the matrix [${affine.join(', ')}] is singular (det = ${det})`);
  }
  const ia = d / det;
  const ib = -b / det;
  const ic = -c / det;
  const id = a / det;
  return [ia, ib, -(ia * tx + ib * ty), ic, id, -(ic * tx + id * ty)];
}

/** `first` then `second`: the map x ↦ second(first(x)). */
export function composeAffine(first: Readonly<Affine>, second: Readonly<Affine>): Affine {
  const [a1, b1, t1, c1, d1, u1] = first;
  const [a2, b2, t2, c2, d2, u2] = second;
  return [
    a2 * a1 + b2 * c1,
    a2 * b1 + b2 * d1,
    a2 * t1 + b2 * u1 + t2,
    c2 * a1 + d2 * c1,
    c2 * b1 + d2 * d1,
    c2 * t1 + d2 * u1 + u2,
  ];
}

/**
 * The similarity (rotation θ, uniform scale s, shift t) about the point (cx, cy):
 * x ↦ s·R(θ)·(x − c) + c + t. θ in radians, counter-clockwise on screen is negative
 * because y points down.
 */
export function similarityAbout(cx: number, cy: number, scale: number, angle: number, shiftX = 0, shiftY = 0): Affine {
  const a = scale * Math.cos(angle);
  const b = scale * Math.sin(angle);
  return [a, -b, cx - a * cx + b * cy + shiftX, b, a, cy - b * cx - a * cy + shiftY];
}

/**
 * Least-squares similarity transform from `src` to `dst` (Umeyama 1991, without
 * reflection): minimises Σ wᵢ‖s·R·srcᵢ + t − dstᵢ‖² over rotation R, scale s > 0, shift t.
 * In 2-D the solution is closed form: with centred points p = src − μ_src, q = dst − μ_dst,
 * `a = Σw(p·q) / Σw‖p‖²`, `b = Σw(p×q) / Σw‖p‖²` and `s·R = [[a, −b], [b, a]]` — the same
 * optimum Umeyama's SVD gives when det(R) = +1 is enforced.
 * @param src points N×2 (N ≥ 2, not all equal)
 * @param dst points N×2
 * @param weights optional non-negative weights, length N
 * @returns the 2×3 affine mapping src onto dst
 */
export function similarityTransform(src: PointsLike, dst: PointsLike, weights?: ArrayLike<number>): Affine {
  const p = toFlatPoints(src, 'similarityTransform: src');
  const q = toFlatPoints(dst, 'similarityTransform: dst');
  const n = p.length / 2;
  if (q.length !== p.length) {
    throw new RangeError(`similarityTransform: src has ${n} points but dst has ${q.length / 2}; they must match`);
  }
  if (n < 2) throw new RangeError(`similarityTransform: need at least 2 point pairs, got ${n}`);
  if (weights && weights.length !== n) {
    throw new RangeError(`similarityTransform: weights has length ${weights.length}, expected N = ${n}`);
  }
  let wSum = 0;
  let mpx = 0;
  let mpy = 0;
  let mqx = 0;
  let mqy = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    if (!(w >= 0) || !Number.isFinite(w)) {
      throw new RangeError(`similarityTransform: weights[${i}] = ${w}; weights must be finite and ≥ 0`);
    }
    wSum += w;
    mpx += w * p[2 * i];
    mpy += w * p[2 * i + 1];
    mqx += w * q[2 * i];
    mqy += w * q[2 * i + 1];
  }
  if (wSum <= 0) throw new RangeError('similarityTransform: the weights sum to 0');
  mpx /= wSum;
  mpy /= wSum;
  mqx /= wSum;
  mqy /= wSum;
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    const px = p[2 * i] - mpx;
    const py = p[2 * i + 1] - mpy;
    const qx = q[2 * i] - mqx;
    const qy = q[2 * i + 1] - mqy;
    dot += w * (px * qx + py * qy);
    cross += w * (px * qy - py * qx);
    norm += w * (px * px + py * py);
  }
  if (norm < 1e-12) {
    throw new RangeError('similarityTransform: the (weighted) src points all coincide; the transform is undefined');
  }
  const a = dot / norm;
  const b = cross / norm;
  return [a, -b, mqx - a * mpx + b * mpy, b, a, mqy - b * mpx - a * mpy];
}

/** Uniform scale of a similarity (or the geometric-mean scale of any affine). */
export function affineScale(affine: Readonly<Affine>): number {
  return Math.sqrt(Math.abs(affine[0] * affine[4] - affine[1] * affine[3]));
}
