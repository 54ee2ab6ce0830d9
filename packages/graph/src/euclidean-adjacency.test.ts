import { describe, expect, it } from 'vitest';
import { matrixToRows, type DenseMatrix } from './dense-matrix.js';
import { euclideanAdjacency } from './euclidean-adjacency.js';
import { randomPoints } from './test-helpers.js';

const e = Math.exp;
const SQUARE = [[0, 0], [1, 0], [1, 1], [0, 1]]; // unit square, nodes in order around it

function expectMatrixClose(actual: DenseMatrix, expected: number[][], digits = 6) {
  expect(actual.rows).toBe(expected.length);
  expect(actual.cols).toBe(expected.length);
  const rows = matrixToRows(actual);
  expected.forEach((row, i) => row.forEach((value, j) => expect(rows[i][j], `(${i}, ${j})`).toBeCloseTo(value, digits)));
}

function maxAbsDifference(a: DenseMatrix, b: DenseMatrix): number {
  let worst = 0;
  for (let index = 0; index < a.data.length; index++) worst = Math.max(worst, Math.abs(a.data[index] - b.data[index]));
  return worst;
}

describe('euclideanAdjacency: worked by hand', () => {
  it('3 nodes (3-4-5 triangle), k = 1, τ = 5: each node keeps its nearest, then max-symmetrised', () => {
    // d01 = 3, d02 = 4, d12 = 5. Nearest: 0 → 1 (3), 1 → 0 (3), 2 → 0 (4). Edge 1–2 nobody chose.
    const a = euclideanAdjacency([[0, 0], [3, 0], [0, 4]], { k: 1, tau: 5 });
    expectMatrixClose(a, [
      [0, e(-9 / 25), e(-16 / 25)],
      [e(-9 / 25), 0, 0],
      [e(-16 / 25), 0, 0],
    ]);
  });

  it('3 nodes, k = 2 = N − 1: fully connected', () => {
    const a = euclideanAdjacency([[0, 0], [3, 0], [0, 4]], { k: 2, tau: 5 });
    expectMatrixClose(a, [
      [0, e(-9 / 25), e(-16 / 25)],
      [e(-9 / 25), 0, e(-25 / 25)],
      [e(-16 / 25), e(-25 / 25), 0],
    ]);
  });

  it('4 nodes (unit square), k = 2, τ = 1: the four sides, no diagonals', () => {
    const side = e(-1 / 1);
    expectMatrixClose(euclideanAdjacency(SQUARE, { k: 2 }), [
      [0, side, 0, side],
      [side, 0, side, 0],
      [0, side, 0, side],
      [side, 0, side, 0],
    ]);
  });

  it('4 nodes, k = 1: ties broken by the lower index', () => {
    // Every node has two neighbours at distance 1. Lower index wins:
    // 0 → 1, 1 → 0, 2 → 1, 3 → 0. Edges 0–1, 1–2, 0–3; side 2–3 is left out.
    const side = e(-1);
    expectMatrixClose(euclideanAdjacency(SQUARE, { k: 1 }), [
      [0, side, 0, side],
      [side, 0, side, 0],
      [0, side, 0, 0],
      [side, 0, 0, 0],
    ]);
  });

  it('k larger than N − 1 (and Infinity) keeps all other nodes, like k = N − 1', () => {
    const side = e(-1 / 4);
    const diagonal = e(-2 / 4);
    const all = [
      [0, side, diagonal, side],
      [side, 0, side, diagonal],
      [diagonal, side, 0, side],
      [side, diagonal, side, 0],
    ];
    for (const k of [3, 4, 50, Infinity]) expectMatrixClose(euclideanAdjacency(SQUARE, { k, tau: 2 }), all);
  });

  it('default k = 8 on 10 nodes on a line keeps the 8 nearest of each node', () => {
    const line = Array.from({ length: 10 }, (_, i) => [i, 0]);
    const a = euclideanAdjacency(line, { tau: 100 });
    // Node 0's 8 nearest are 1..8; node 9's are 1..8 too; so 0–9 is the one missing edge.
    expect(a.data[0 * 10 + 9]).toBe(0);
    expect(a.data[0 * 10 + 8]).toBeCloseTo(e(-64 / 10000), 6);
    expect(a.data[1 * 10 + 9]).toBeCloseTo(e(-64 / 10000), 6);
  });

  it('feature vectors wider than 2 (flat with width, or nested)', () => {
    // (0,0,0), (1,2,2), (0,0,5): d01 = 3, d02 = 5, d12 = sqrt(1 + 4 + 9)
    const flat = euclideanAdjacency([0, 0, 0, 1, 2, 2, 0, 0, 5], { width: 3, k: 2, tau: 3 });
    expectMatrixClose(flat, [
      [0, e(-9 / 9), e(-25 / 9)],
      [e(-9 / 9), 0, e(-14 / 9)],
      [e(-25 / 9), e(-14 / 9), 0],
    ]);
    const nested = euclideanAdjacency([[0, 0, 0], [1, 2, 2], [0, 0, 5]], { k: 2, tau: 3 });
    expect(Array.from(nested.data)).toEqual(Array.from(flat.data));
  });

  it('mean-knn τ: the mean k-NN distance (times tau)', () => {
    // Triangle 3-4-5, k = 1: k-NN distances 3 (0→1), 3 (1→0), 4 (2→0); mean 10/3.
    const tau = 10 / 3;
    const a = euclideanAdjacency([[0, 0], [3, 0], [0, 4]], { k: 1, tauMode: 'mean-knn' });
    expect(a.data[1]).toBeCloseTo(e(-9 / (tau * tau)), 6);
    expect(a.data[2]).toBeCloseTo(e(-16 / (tau * tau)), 6);
    const doubled = euclideanAdjacency([[0, 0], [3, 0], [0, 4]], { k: 1, tauMode: 'mean-knn', tau: 2 });
    expect(doubled.data[1]).toBeCloseTo(e(-9 / (4 * tau * tau)), 6);
  });

  it('coincident points: weight 1 (the limit d → 0), also when mean-knn τ is 0', () => {
    const same = [[2, 2], [2, 2], [2, 2]];
    for (const tauMode of ['absolute', 'mean-knn'] as const) {
      expectMatrixClose(euclideanAdjacency(same, { k: 2, tauMode }), [
        [0, 1, 1],
        [1, 0, 1],
        [1, 1, 0],
      ]);
    }
  });

  it('0 and 1 nodes give a 0×0 and a 1×1 zero matrix', () => {
    expect(euclideanAdjacency([]).rows).toBe(0);
    expect(Array.from(euclideanAdjacency([[1, 1]]).data)).toEqual([0]);
  });
});

describe('euclideanAdjacency: invariances', () => {
  const points = randomPoints(20, 7);

  it('is symmetric, non-negative, zero on the diagonal, ≤ 1', () => {
    const a = euclideanAdjacency(points, { k: 3, tau: 2 });
    let edges = 0;
    for (let i = 0; i < 20; i++) {
      expect(a.data[i * 20 + i]).toBe(0);
      for (let j = 0; j < 20; j++) {
        expect(a.data[i * 20 + j]).toBe(a.data[j * 20 + i]);
        expect(a.data[i * 20 + j]).toBeGreaterThanOrEqual(0);
        expect(a.data[i * 20 + j]).toBeLessThanOrEqual(1);
        if (a.data[i * 20 + j] > 0) edges++;
      }
      // Each node chose k = 3, and may have been chosen by others: degree ≥ 3.
      expect(a.data.subarray(i * 20, (i + 1) * 20).filter((w) => w > 0).length).toBeGreaterThanOrEqual(3);
    }
    expect(edges).toBeLessThan(20 * 19); // k-NN really sparsifies
  });

  it('is invariant to translation and rotation (both τ modes)', () => {
    const angle = 0.7;
    const moved = points.map(([x, y]) => [
      Math.cos(angle) * x - Math.sin(angle) * y + 13.5,
      Math.sin(angle) * x + Math.cos(angle) * y - 4.25,
    ]);
    for (const tauMode of ['absolute', 'mean-knn'] as const) {
      const before = euclideanAdjacency(points, { k: 4, tau: 3, tauMode });
      const after = euclideanAdjacency(moved, { k: 4, tau: 3, tauMode });
      expect(maxAbsDifference(before, after)).toBeLessThan(1e-5);
    }
  });

  it("scale: 'mean-knn' is invariant, 'absolute' is not (normalise features first)", () => {
    const scaled = points.map(([x, y]) => [x * 10, y * 10]);
    const relative = maxAbsDifference(
      euclideanAdjacency(points, { k: 4, tauMode: 'mean-knn' }),
      euclideanAdjacency(scaled, { k: 4, tauMode: 'mean-knn' }),
    );
    expect(relative).toBeLessThan(1e-5);
    const absoluteSmall = euclideanAdjacency(points, { k: 4, tau: 3 });
    const absoluteBig = euclideanAdjacency(scaled, { k: 4, tau: 3 });
    expect(maxAbsDifference(absoluteSmall, absoluteBig)).toBeGreaterThan(0.1);
    // Same edges (k-NN is scale invariant), weights w ↦ w^(s²): exp(−(s·d)²/τ²) = exp(−d²/τ²)^(s²)
    for (let index = 0; index < absoluteSmall.data.length; index++) {
      expect(absoluteBig.data[index]).toBeCloseTo(absoluteSmall.data[index] ** 100, 5);
    }
    // Absolute τ scaled with the points restores invariance (e.g. τ in inter-ocular units).
    expect(maxAbsDifference(absoluteSmall, euclideanAdjacency(scaled, { k: 4, tau: 30 }))).toBeLessThan(1e-5);
  });
});

describe('euclideanAdjacency: errors name the argument', () => {
  it('rejects bad options', () => {
    expect(() => euclideanAdjacency(SQUARE, { k: 0 })).toThrow(/options\.k must be an integer ≥ 1.*got 0/);
    expect(() => euclideanAdjacency(SQUARE, { k: 1.5 })).toThrow(/options\.k/);
    expect(() => euclideanAdjacency(SQUARE, { tau: 0 })).toThrow(/options\.tau must be a finite number > 0, got 0/);
    expect(() => euclideanAdjacency(SQUARE, { tau: -1 })).toThrow(/options\.tau/);
    expect(() => euclideanAdjacency(SQUARE, { tau: NaN })).toThrow(/options\.tau.*NaN/);
    expect(() => euclideanAdjacency(SQUARE, { tauMode: 'relative' as never })).toThrow(/options\.tauMode must be 'absolute' or 'mean-knn'/);
  });

  it('rejects bad points', () => {
    expect(() => euclideanAdjacency([[0, 0], [1]])).toThrow(/euclideanAdjacency: points is ragged: points\[1\] has 1 features/);
    expect(() => euclideanAdjacency([0, 0, 1, 1, 2], { width: 2 })).toThrow(/length 5, which is not a multiple of width = 2/);
    expect(() => euclideanAdjacency([0, 0, 0, 1, 1, 1, 2], { width: 3 })).toThrow(/width = 3/);
    expect(() => euclideanAdjacency([[0, 0], [1, NaN]])).toThrow(/points\[1\]\[1\] is NaN/);
  });
});
