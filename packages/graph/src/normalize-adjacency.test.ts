import { describe, expect, it } from 'vitest';
import { matrixToRows } from './dense-matrix.js';
import { euclideanAdjacency } from './euclidean-adjacency.js';
import { normalizeAdjacency } from './normalize-adjacency.js';
import { randomPoints } from './test-helpers.js';

describe('normalizeAdjacency', () => {
  it('3 nodes worked by hand: (A + I)_ij / sqrt(deg_i · deg_j)', () => {
    const a = 0.5;
    const b = 0.25;
    // A = [[0, a, b], [a, 0, 0], [b, 0, 0]]; degrees of A + I:
    const d0 = 1 + a + b;
    const d1 = 1 + a;
    const d2 = 1 + b;
    const n = normalizeAdjacency({ data: new Float32Array([0, a, b, a, 0, 0, b, 0, 0]), rows: 3, cols: 3 });
    const rows = matrixToRows(n);
    const expected = [
      [1 / d0, a / Math.sqrt(d0 * d1), b / Math.sqrt(d0 * d2)],
      [a / Math.sqrt(d1 * d0), 1 / d1, 0],
      [b / Math.sqrt(d2 * d0), 0, 1 / d2],
    ];
    expected.forEach((row, i) => row.forEach((value, j) => expect(rows[i][j]).toBeCloseTo(value, 6)));
  });

  it('4 nodes (unit square sides, weight w): every degree is 1 + 2w', () => {
    const w = Math.exp(-1);
    const n = normalizeAdjacency(euclideanAdjacency([[0, 0], [1, 0], [1, 1], [0, 1]], { k: 2 }));
    const degree = 1 + 2 * w;
    const rows = matrixToRows(n);
    expect(rows[0][0]).toBeCloseTo(1 / degree, 6);
    expect(rows[0][1]).toBeCloseTo(w / degree, 6);
    expect(rows[0][2]).toBe(0);
    expect(rows[2][3]).toBeCloseTo(w / degree, 6);
  });

  it('adds I even when the diagonal is already non-zero (as PyG gcn_norm does)', () => {
    // A = [[1]]: A + I = [[2]], deg = 2, Â = 2 / 2 = 1.
    expect(Array.from(normalizeAdjacency({ data: new Float32Array([1]), rows: 1, cols: 1 }).data)).toEqual([1]);
    // Empty graph: Â = I.
    expect(Array.from(normalizeAdjacency({ data: new Float32Array(4), rows: 2, cols: 2 }).data)).toEqual([1, 0, 0, 1]);
  });

  it('keeps symmetry, and its largest eigenvalue is 1 (eigenvector D^1/2 · 1)', () => {
    const adjacency = euclideanAdjacency(randomPoints(12, 3), { k: 3, tau: 4 });
    const n = normalizeAdjacency(adjacency);
    const rows = matrixToRows(n);
    const degrees = matrixToRows(adjacency).map((row) => 1 + row.reduce((s, v) => s + v, 0));
    for (let i = 0; i < 12; i++) {
      for (let j = 0; j < 12; j++) expect(rows[i][j]).toBe(rows[j][i]);
      // (Â · sqrt(deg))_i = sqrt(deg_i): D^-1/2 (A+I) D^-1/2 D^1/2 1 = D^-1/2 (A+I) 1 = D^-1/2 D 1.
      const product = rows[i].reduce((s, v, j) => s + v * Math.sqrt(degrees[j]), 0);
      expect(product).toBeCloseTo(Math.sqrt(degrees[i]), 5);
    }
  });

  it('names the problem for bad input', () => {
    expect(() => normalizeAdjacency({ data: new Float32Array(6), rows: 2, cols: 3 })).toThrow(/adjacency must be square \(N × N\), got 2 × 3/);
    expect(() => normalizeAdjacency({ data: new Float32Array(3), rows: 2, cols: 2 })).toThrow(/adjacency\.data has length 3, expected .* = 4/);
    expect(() => normalizeAdjacency({ data: new Float32Array([0, NaN, 0, 0]), rows: 2, cols: 2 })).toThrow(/adjacency\[0\]\[1\] is NaN/);
    expect(() => normalizeAdjacency({ data: new Float32Array([0, -3, -3, 0]), rows: 2, cols: 2 })).toThrow(/row 0 of adjacency \+ I sums to -2/);
    expect(() => normalizeAdjacency({ data: [0, 1, 1, 0], rows: 2, cols: 2 } as never)).toThrow(/DenseMatrix/);
  });
});
