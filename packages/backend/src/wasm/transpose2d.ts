// Cache-blocked 2-D transpose on a Float32Array (the wasm heap). tfjs-backend-wasm's
// Transpose computes an index per element: ≈49 ms for 4096×1728 where this takes a few ms.

const BLOCK = 32;

/**
 * `dst[c·rows + r] = src[r·cols + c]` for a `rows × cols` row-major matrix at
 * `heap[srcStart]`, written as `cols × rows` at `heap[dstStart]` (regions must not overlap).
 * `count` matrices laid one after another are transposed independently (batched).
 */
export function transpose2d(
  heap: Float32Array,
  srcStart: number,
  rows: number,
  cols: number,
  dstStart: number,
  count = 1,
  dstHeap: Float32Array = heap,
): void {
  const size = rows * cols;
  for (let m = 0; m < count; m++) {
    const src = srcStart + m * size;
    const dst = dstStart + m * size;
    if (rows === 1 || cols === 1) {
      dstHeap.set(heap.subarray(src, src + size), dst);
      continue;
    }
    for (let r0 = 0; r0 < rows; r0 += BLOCK) {
      const r1 = Math.min(rows, r0 + BLOCK);
      for (let c0 = 0; c0 < cols; c0 += BLOCK) {
        const c1 = Math.min(cols, c0 + BLOCK);
        for (let r = r0; r < r1; r++) {
          const rowStart = src + r * cols;
          let d = dst + c0 * rows + r;
          for (let c = c0; c < c1; c++) {
            dstHeap[d] = heap[rowStart + c]!;
            d += rows;
          }
        }
      }
    }
  }
}
