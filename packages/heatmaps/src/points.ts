// Input forms shared by every function of the package, and the checks that turn bad
// input into an error that names the function, the argument and what would be right.

/**
 * Many 2-D points: either flat `x0, y0, x1, y1, …` (length `N·2`; a `Float32Array`
 * in hot paths) or `[x, y][]` where that reads better.
 */
export type PointsInput = ArrayLike<number> | ReadonlyArray<readonly [number, number]>;

function isNestedPoints(points: PointsInput): points is ReadonlyArray<readonly [number, number]> {
  return points.length > 0 && Array.isArray((points as ArrayLike<unknown>)[0]);
}

/**
 * Flattens `points` into a `Float32Array` of length `N·2` (no copy when it already is one).
 * `where` names the caller and argument for the error message, e.g. `'auPoints(landmarks)'`.
 */
export function toFlatPoints(points: PointsInput, where: string): Float32Array {
  if (points instanceof Float32Array) {
    if (points.length % 2 !== 0) {
      throw new Error(`${where}: flat points need an even length (x0, y0, x1, y1, …), got ${points.length}`);
    }
    return points;
  }
  if (points == null || typeof points.length !== 'number') {
    throw new Error(`${where}: expected a flat number array (x0, y0, …) or [x, y][], got ${String(points)}`);
  }
  if (isNestedPoints(points)) {
    const flat = new Float32Array(points.length * 2);
    for (let n = 0; n < points.length; n++) {
      const point = points[n];
      if (!Array.isArray(point) || point.length !== 2) {
        throw new Error(`${where}: point ${n} must be an [x, y] pair, got ${JSON.stringify(point)}`);
      }
      flat[2 * n] = point[0];
      flat[2 * n + 1] = point[1];
    }
    return flat;
  }
  if (points.length % 2 !== 0) {
    throw new Error(`${where}: flat points need an even length (x0, y0, x1, y1, …), got ${points.length}`);
  }
  return Float32Array.from(points as ArrayLike<number>);
}

/** Throws unless `value` is an integer ≥ 1. */
export function assertPositiveInteger(value: unknown, where: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new Error(`${where} must be a positive integer, got ${String(value)}`);
  }
}

/** Throws unless `value` is a finite number > 0. */
export function assertPositiveNumber(value: unknown, where: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new Error(`${where} must be a finite number > 0, got ${String(value)}`);
  }
}

/** Throws unless `values` has exactly `expected` entries; `shape` explains the expectation. */
export function assertLength(values: ArrayLike<unknown>, expected: number, where: string, shape: string): void {
  if (values == null || values.length !== expected) {
    const got = values == null ? String(values) : `length ${values.length}`;
    throw new Error(`${where}: expected ${shape} = ${expected} values, got ${got}`);
  }
}
