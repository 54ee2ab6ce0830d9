/**
 * Smooth SVG paths through landmarks (Catmull–Rom splines turned into cubic Béziers), so
 * that the drawn outline passes exactly through every landmark it is built from.
 */

/** A 2-D point in canonical face units. */
export type Point = readonly [number, number];

/** Format a coordinate for SVG: 4 decimals (0.0001 face units ≈ 0.01 px), no "-0". */
export const fmt = (v: number): string => {
  const s = v.toFixed(4);
  return s === '-0.0000' ? '0' : s.replace(/\.?0+$/, '');
};

const pt = (p: Point): string => `${fmt(p[0])} ${fmt(p[1])}`;

/** Cubic Bézier control points of the Catmull–Rom segment p1 → p2 (tension `k`, 1/6 = uniform). */
function controls(p0: Point, p1: Point, p2: Point, p3: Point, k: number): [Point, Point] {
  return [
    [p1[0] + (p2[0] - p0[0]) * k, p1[1] + (p2[1] - p0[1]) * k],
    [p2[0] - (p3[0] - p1[0]) * k, p2[1] - (p3[1] - p1[1]) * k],
  ];
}

/** Open smooth path through `points` (≥ 2), starting with `M`. */
export function smoothOpenPath(points: readonly Point[], k = 1 / 6): string {
  if (points.length < 2) throw new Error(`smoothOpenPath: needs at least 2 points, got ${points.length}`);
  let d = `M${pt(points[0])}`;
  for (let i = 0; i < points.length - 1; i++) {
    const p0 = points[Math.max(0, i - 1)];
    const p3 = points[Math.min(points.length - 1, i + 2)];
    const [c1, c2] = controls(p0, points[i], points[i + 1], p3, k);
    d += `C${pt(c1)} ${pt(c2)} ${pt(points[i + 1])}`;
  }
  return d;
}

/** Continue a path smoothly through `points` (no `M`; the first point is the current point). */
export function smoothContinue(points: readonly Point[], k = 1 / 6): string {
  return smoothOpenPath(points, k).replace(/^M[^C]*/, '');
}

/** Closed smooth path through `points` (≥ 3). */
export function smoothClosedPath(points: readonly Point[], k = 1 / 6): string {
  if (points.length < 3) throw new Error(`smoothClosedPath: needs at least 3 points, got ${points.length}`);
  const n = points.length;
  let d = `M${pt(points[0])}`;
  for (let i = 0; i < n; i++) {
    const [c1, c2] = controls(points[(i - 1 + n) % n], points[i], points[(i + 1) % n], points[(i + 2) % n], k);
    d += `C${pt(c1)} ${pt(c2)} ${pt(points[(i + 1) % n])}`;
  }
  return `${d}Z`;
}

/** Straight polyline path. */
export function polylinePath(points: readonly Point[], close = false): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${pt(p)}`).join('') + (close ? 'Z' : '');
}

/** `rgb(r,g,b)` of a colour scaled by `factor` (0 = black, 1 = same), clamped. */
export function shade(rgb: readonly number[], factor: number): string {
  const c = rgb.map((v) => Math.max(0, Math.min(255, Math.round(v * factor))));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
