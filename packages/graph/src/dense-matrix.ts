/**
 * A dense, row-major matrix: entry `(i, j)` is `data[i * cols + j]`.
 * Every matrix this package returns is `rows × cols` with `data.length === rows * cols`.
 */
export interface DenseMatrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/**
 * A stack of `batch` dense matrices of the same size, `batch × rows × cols` row-major:
 * entry `(b, i, j)` is `data[(b * rows + i) * cols + j]` (the layout of a tfjs tensor of
 * shape `[batch, rows, cols]`, so `tf.tensor3d(m.data, [m.batch, m.rows, m.cols])` works).
 */
export interface BatchedDenseMatrix {
  data: Float32Array;
  batch: number;
  rows: number;
  cols: number;
}

/** Entry `(row, col)` of `matrix`, with bounds checked (for tests and debugging, not hot loops). */
export function matrixEntry(matrix: DenseMatrix, row: number, col: number): number {
  if (!Number.isInteger(row) || row < 0 || row >= matrix.rows) {
    throw new RangeError(`matrixEntry: row must be an integer in [0, ${matrix.rows}), got ${row}`);
  }
  if (!Number.isInteger(col) || col < 0 || col >= matrix.cols) {
    throw new RangeError(`matrixEntry: col must be an integer in [0, ${matrix.cols}), got ${col}`);
  }
  return matrix.data[row * matrix.cols + col];
}

/** `matrix` as nested rows (`rows × cols` `number[][]`), e.g. for printing or `toEqual`. */
export function matrixToRows(matrix: DenseMatrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < matrix.rows; i++) {
    out.push(Array.from(matrix.data.subarray(i * matrix.cols, (i + 1) * matrix.cols)));
  }
  return out;
}

/**
 * Checks that `matrix` is a well-formed square DenseMatrix with finite entries; throws an
 * error naming `argument` and what is wrong otherwise.
 */
export function assertSquareMatrix(matrix: DenseMatrix, argument: string, fn: string): void {
  if (matrix === null || typeof matrix !== 'object' || !(matrix.data instanceof Float32Array)) {
    throw new TypeError(`${fn}: ${argument} must be a DenseMatrix { data: Float32Array, rows, cols }`);
  }
  const { rows, cols, data } = matrix;
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new RangeError(`${fn}: ${argument}.rows and .cols must be non-negative integers, got ${rows} × ${cols}`);
  }
  if (rows !== cols) {
    throw new RangeError(`${fn}: ${argument} must be square (N × N), got ${rows} × ${cols}`);
  }
  if (data.length !== rows * cols) {
    throw new RangeError(
      `${fn}: ${argument}.data has length ${data.length}, expected rows · cols = ${rows} · ${cols} = ${rows * cols}`,
    );
  }
  for (let index = 0; index < data.length; index++) {
    if (!Number.isFinite(data[index])) {
      const i = Math.floor(index / cols);
      throw new RangeError(`${fn}: ${argument}[${i}][${index - i * cols}] is ${data[index]}; entries must be finite`);
    }
  }
}
