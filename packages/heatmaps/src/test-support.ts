// Helpers for this package's tests only (not exported from index.ts).

export { mulberry32 } from '@g2rl/common';

/** Applies x' = scale·R(angle)·x + (tx, ty) to flat points N×2; returns a new Float32Array. */
export function similarity(points: Float32Array, scale: number, angle: number, tx: number, ty: number): Float32Array {
  const c = Math.cos(angle) * scale;
  const s = Math.sin(angle) * scale;
  const out = new Float32Array(points.length);
  for (let n = 0; n < points.length; n += 2) {
    out[n] = c * points[n] - s * points[n + 1] + tx;
    out[n + 1] = s * points[n] + c * points[n + 1] + ty;
  }
  return out;
}

/** Mirrors flat points N×2 about x = axis and reorders them by `permutation` (new i ← old perm[i]). */
export function mirror(points: Float32Array, permutation: readonly number[], axis = 0): Float32Array {
  const out = new Float32Array(points.length);
  for (let i = 0; i < permutation.length; i++) {
    out[2 * i] = 2 * axis - points[2 * permutation[i]];
    out[2 * i + 1] = points[2 * permutation[i] + 1];
  }
  return out;
}

/** The mean face scaled to a face ~`width` px wide placed at (left, top). */
export function placedFace(face: Float32Array, width: number, left: number, top: number): Float32Array {
  return similarity(face, width, 0, left, top);
}
