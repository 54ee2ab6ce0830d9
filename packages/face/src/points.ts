/** Points as g2rl passes them: flat `x0, y0, x1, y1, …` (length N·2) or `[x, y][]`. */
export type PointsLike = Float32Array | Float64Array | ArrayLike<number> | ReadonlyArray<readonly [number, number]>;

/**
 * Copies points into a flat Float64Array N×2, checking shape and finiteness.
 * @param name the argument's name, for the error message
 */
export function toFlatPoints(points: PointsLike, name = 'points'): Float64Array {
  if (points === null || typeof points !== 'object' || typeof (points as ArrayLike<unknown>).length !== 'number') {
    throw new TypeError(`${name}: expected a flat array of N·2 numbers or an array of [x, y] pairs`);
  }
  const first = (points as ArrayLike<unknown>)[0];
  let flat: Float64Array;
  if (Array.isArray(first)) {
    const pairs = points as ReadonlyArray<readonly [number, number]>;
    flat = new Float64Array(pairs.length * 2);
    pairs.forEach((pair, i) => {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError(`${name}[${i}]: expected an [x, y] pair`);
      flat[2 * i] = pair[0];
      flat[2 * i + 1] = pair[1];
    });
  } else {
    const values = points as ArrayLike<number>;
    if (values.length % 2 !== 0) throw new RangeError(`${name}: flat points need an even length (N·2), got ${values.length}`);
    flat = Float64Array.from(values as ArrayLike<number>);
  }
  for (let i = 0; i < flat.length; i++) {
    if (!Number.isFinite(flat[i])) {
      throw new RangeError(`${name}: point ${i >> 1} has a non-finite ${i % 2 ? 'y' : 'x'} (${flat[i]})`);
    }
  }
  return flat;
}
