import { describe, expect, it } from 'vitest';
import { transpose2d } from './transpose2d.js';

describe('transpose2d', () => {
  it('transposes batched rectangular matrices larger than one block', () => {
    const [count, rows, cols] = [2, 37, 70];
    const size = rows * cols;
    const heap = new Float32Array(2 * count * size + 5);
    for (let i = 0; i < count * size; i++) heap[5 + i] = i;
    transpose2d(heap, 5, rows, cols, 5 + count * size, count);
    for (let m = 0; m < count; m++)
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++)
          expect(heap[5 + count * size + m * size + c * rows + r]).toBe(m * size + r * cols + c);
  });

  it('copies a single row or column unchanged', () => {
    const heap = Float32Array.from([1, 2, 3, 0, 0, 0]);
    transpose2d(heap, 0, 1, 3, 3);
    expect([...heap.slice(3)]).toEqual([1, 2, 3]);
  });
});
