import { describe, expect, it } from 'vitest';
import { tileInto } from './tile.js';

describe('tileInto', () => {
  const cases: [number[], number[]][] = [
    [[1, 1, 1, 3], [2, 4, 5, 1]],
    [[2, 3], [3, 2]],
    [[2, 1, 3], [1, 4, 2]],
    [[5], [7]],
  ];
  for (const [shape, reps] of cases) {
    it(`tiles ${shape.join('×')} by ${reps.join('×')} like the definition`, () => {
      const size = shape.reduce((a, b) => a * b, 1);
      const outShape = shape.map((s, i) => s * reps[i]!);
      const outSize = outShape.reduce((a, b) => a * b, 1);
      const heap = new Float32Array(size + outSize);
      for (let i = 0; i < size; i++) heap[i] = i + 1;
      tileInto(heap, 0, shape, reps, size);
      for (let o = 0; o < outSize; o++) {
        // out[idx] = x[idx mod shape] (per axis)
        let rest = o;
        let src = 0;
        const inStrides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
        for (let d = outShape.length - 1; d >= 0; d--) {
          const idx = rest % outShape[d]!;
          rest = Math.floor(rest / outShape[d]!);
          src += (idx % shape[d]!) * inStrides[d]!;
        }
        expect(heap[size + o]).toBe(src + 1);
      }
    });
  }

  it('names a reps/shape mismatch', () => {
    expect(() => tileInto(new Float32Array(8), 0, [2], [2, 2], 2)).toThrow(/reps has 2 entries, shape has 1/);
  });
});
