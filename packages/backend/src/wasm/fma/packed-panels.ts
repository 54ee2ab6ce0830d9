// The right operand of a tile product, repacked: column panels of 8 (the last one 4 when
// N mod 8 = 4), each its K rows one after another, so a tile kernel reads it sequentially.

/** Columns of each panel for N columns (N must be a multiple of 4). */
export function panelWidths(n: number): number[] {
  if (n % 4 !== 0) throw new Error(`packed panels: N = ${n} is not a multiple of 4`);
  const widths = new Array<number>(Math.floor(n / 8)).fill(8);
  if (n % 8 === 4) widths.push(4);
  return widths;
}

/**
 * Copies B (K×N, row stride `ldb`, at float index `src` of `heap`) into panels at `dst`:
 * panel p (columns 8p…) holds K × width(p) values, row-major; returns each panel's float
 * index. Total size K·N floats.
 */
export function packPanels(heap: Float32Array, src: number, k: number, n: number, ldb: number, dst: number): number[] {
  const starts: number[] = [];
  let at = dst;
  let column = 0;
  for (const width of panelWidths(n)) {
    starts.push(at);
    for (let row = 0; row < k; row++) {
      const from = src + row * ldb + column;
      for (let j = 0; j < width; j++) heap[at + j] = heap[from + j]!;
      at += width;
    }
    column += width;
  }
  return starts;
}
