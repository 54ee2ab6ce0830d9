/**
 * Reads a `rows × cols` table (`number[][]` or an array of typed arrays) into a flat
 * Float64Array, checking that it is rectangular. Values are copied as they are (NaN
 * included); callers decide what NaN means. Errors name `fn`, `argument` and the sizes.
 */
export function readTable(
  table: ReadonlyArray<ArrayLike<number>>,
  argument: string,
  fn: string,
  expectedCols?: { count: number; what: string },
): { data: Float64Array; rows: number; cols: number } {
  if (!Array.isArray(table)) {
    throw new TypeError(`${fn}: ${argument} must be an array of rows (number[][]), got ${describe(table)}`);
  }
  const rows = table.length;
  const cols = expectedCols ? expectedCols.count : rows === 0 ? 0 : rowLength(table[0], argument, 0, fn);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const length = rowLength(table[i], argument, i, fn);
    if (length !== cols) {
      const reference = expectedCols ? `${expectedCols.what} has ${cols}` : `${argument}[0] has ${cols}`;
      throw new RangeError(`${fn}: ${argument} is ragged or mismatched: ${argument}[${i}] has ${length} values but ${reference}`);
    }
    const row = table[i];
    for (let j = 0; j < cols; j++) {
      const value = row[j];
      if (typeof value !== 'number') {
        throw new TypeError(`${fn}: ${argument}[${i}][${j}] is ${describe(value)}; expected a number (NaN for missing)`);
      }
      data[i * cols + j] = value;
    }
  }
  return { data, rows, cols };
}

/** Checks a flat numeric vector; returns it as a Float64Array. */
export function readVector(values: ArrayLike<number>, argument: string, fn: string): Float64Array {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new TypeError(`${fn}: ${argument} must be an array of numbers, got ${describe(values)}`);
  }
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    if (typeof values[i] !== 'number') {
      throw new TypeError(`${fn}: ${argument}[${i}] is ${describe(values[i])}; expected a number`);
    }
    out[i] = values[i];
  }
  return out;
}

/** Checks that two vectors have the same length (the error names both and their sizes). */
export function readPairedVectors(
  predictions: ArrayLike<number>,
  truth: ArrayLike<number>,
  fn: string,
): [Float64Array, Float64Array] {
  const x = readVector(predictions, 'predictions', fn);
  const y = readVector(truth, 'truth', fn);
  if (x.length !== y.length) {
    throw new RangeError(`${fn}: predictions has ${x.length} values but truth has ${y.length}; they must pair up`);
  }
  return [x, y];
}

function rowLength(row: unknown, argument: string, index: number, fn: string): number {
  if (row === null || typeof row !== 'object' || typeof (row as ArrayLike<number>).length !== 'number') {
    throw new TypeError(`${fn}: ${argument}[${index}] must be an array of numbers, got ${describe(row)}`);
  }
  return (row as ArrayLike<number>).length;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
