import { describe, expect, it } from 'vitest';
import { matrixToRows } from './dense-matrix.js';
import { pairwiseDistances } from './pairwise-distances.js';

describe('pairwiseDistances', () => {
  it('gives the 3-4-5 triangle by hand', () => {
    const d = pairwiseDistances([[0, 0], [3, 0], [0, 4]]);
    expect(d.rows).toBe(3);
    expect(d.cols).toBe(3);
    expect(matrixToRows(d)).toEqual([
      [0, 3, 4],
      [3, 0, 5],
      [4, 5, 0],
    ]);
  });

  it('reads flat input with width 2 (default) and nested input the same', () => {
    const nested = pairwiseDistances([[1, 2], [4, 6], [-2, 2]]);
    const flat = pairwiseDistances(new Float32Array([1, 2, 4, 6, -2, 2]));
    const flatArray = pairwiseDistances([1, 2, 4, 6, -2, 2]);
    expect(Array.from(flat.data)).toEqual(Array.from(nested.data));
    expect(Array.from(flatArray.data)).toEqual(Array.from(nested.data));
    expect(nested.data[1]).toBe(5); // sqrt(3² + 4²)
  });

  it('handles feature vectors of any width', () => {
    // Nodes in 3-D: (0,0,0), (1,2,2), (1,2,2) + (0,0,3)
    const d = pairwiseDistances([0, 0, 0, 1, 2, 2, 1, 2, 5], 3);
    expect(d.rows).toBe(3);
    expect(d.data[0 * 3 + 1]).toBeCloseTo(Math.sqrt(1 + 4 + 4), 6);
    expect(d.data[0 * 3 + 2]).toBeCloseTo(Math.sqrt(1 + 4 + 25), 6);
    expect(d.data[1 * 3 + 2]).toBeCloseTo(3, 6);
    const nested = pairwiseDistances([[0, 0, 0], [1, 2, 2], [1, 2, 5]]);
    expect(Array.from(nested.data)).toEqual(Array.from(d.data));
  });

  it('is exactly symmetric with a zero diagonal', () => {
    const points = [[0.1, 0.7], [0.33, -2.5], [9.1, 1e-3], [4, 4]];
    const d = pairwiseDistances(points);
    for (let i = 0; i < 4; i++) {
      expect(d.data[i * 4 + i]).toBe(0);
      for (let j = 0; j < 4; j++) expect(d.data[i * 4 + j]).toBe(d.data[j * 4 + i]);
    }
  });

  it('gives a 0×0 matrix for no points and 1×1 zero for one', () => {
    expect(pairwiseDistances([])).toEqual({ data: new Float32Array(0), rows: 0, cols: 0 });
    expect(Array.from(pairwiseDistances([[5, 5]]).data)).toEqual([0]);
  });

  it('names the problem for bad input', () => {
    expect(() => pairwiseDistances([[0, 0], [1, 2, 3]])).toThrow(/ragged: points\[1\] has 3 features, points\[0\] has 2/);
    expect(() => pairwiseDistances([0, 1, 2], 2)).toThrow(/length 3, which is not a multiple of width = 2/);
    expect(() => pairwiseDistances([[0, 0], [NaN, 1]])).toThrow(/points\[1\]\[0\] is NaN/);
    expect(() => pairwiseDistances([0, 0, 1, Infinity])).toThrow(/points\[3\] \(node 1, feature 1\) is Infinity/);
    expect(() => pairwiseDistances([0, 0], 0)).toThrow(/width must be a positive integer/);
    expect(() => pairwiseDistances([[0, 0]], 3)).toThrow(/points\[0\] has 2 features but width is 3/);
    expect(() => pairwiseDistances(null as never)).toThrow(/points must be/);
  });
});
