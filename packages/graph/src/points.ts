/**
 * Node features as this package accepts them: either one row per node (`number[][]`, e.g.
 * `[x, y][]`, N rows of `width` features), or a flat array of `N · width` numbers
 * (`x0, y0, x1, y1, …` for `width = 2`, the project's convention for landmarks).
 */
export type PointsInput = ReadonlyArray<ArrayLike<number>> | ArrayLike<number>;

/** Node features normalised to a flat `N × width` Float64Array (row-major). */
export interface FeatureRows {
  data: Float64Array;
  count: number;
  width: number;
}

/**
 * Reads `points` into a flat `N × width` array, checking the shape and that every value is
 * finite. With nested rows, `width` may be left undefined (it is taken from the first
 * row); if given it must match. Errors name `fn` and the offending index.
 */
export function readFeatureRows(points: PointsInput, width: number | undefined, fn: string): FeatureRows {
  if (width !== undefined && (!Number.isInteger(width) || width < 1)) {
    throw new RangeError(`${fn}: width must be a positive integer (features per node), got ${width}`);
  }
  if (points === null || typeof points !== 'object' || typeof points.length !== 'number') {
    throw new TypeError(`${fn}: points must be number[][] (N rows) or a flat array of N · width numbers`);
  }
  const nested = points.length > 0 && typeof (points as ArrayLike<unknown>)[0] === 'object';
  if (nested) {
    const rows = points as ReadonlyArray<ArrayLike<number>>;
    const first = rows[0];
    const rowWidth = first === null ? 0 : first.length;
    if (width !== undefined && rowWidth !== width) {
      throw new RangeError(`${fn}: points[0] has ${rowWidth} features but width is ${width}`);
    }
    if (rowWidth < 1) {
      throw new RangeError(`${fn}: points[0] has no features; each row needs at least one`);
    }
    const data = new Float64Array(rows.length * rowWidth);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      if (row === null || typeof row !== 'object' || typeof row.length !== 'number') {
        throw new TypeError(`${fn}: points[${i}] is not an array; every row must be an array of ${rowWidth} numbers`);
      }
      if (row.length !== rowWidth) {
        throw new RangeError(
          `${fn}: points is ragged: points[${i}] has ${row.length} features, points[0] has ${rowWidth}`,
        );
      }
      for (let f = 0; f < rowWidth; f++) {
        const value = row[f];
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          throw new RangeError(`${fn}: points[${i}][${f}] is ${String(value)}; coordinates must be finite numbers`);
        }
        data[i * rowWidth + f] = value;
      }
    }
    return { data, count: rows.length, width: rowWidth };
  }
  const flatWidth = width ?? 2;
  const flat = points as ArrayLike<number>;
  if (flat.length % flatWidth !== 0) {
    throw new RangeError(
      `${fn}: flat points has length ${flat.length}, which is not a multiple of width = ${flatWidth}`,
    );
  }
  const data = new Float64Array(flat.length);
  for (let index = 0; index < flat.length; index++) {
    const value = flat[index];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      const i = Math.floor(index / flatWidth);
      throw new RangeError(
        `${fn}: points[${index}] (node ${i}, feature ${index - i * flatWidth}) is ${String(value)}; coordinates must be finite numbers`,
      );
    }
    data[index] = value;
  }
  return { data, count: flat.length / flatWidth, width: flatWidth };
}
