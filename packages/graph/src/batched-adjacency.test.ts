import { describe, expect, it } from 'vitest';
import { euclideanAdjacencyBatch, normalizeAdjacencyBatch } from './batched-adjacency.js';
import { euclideanAdjacency } from './euclidean-adjacency.js';
import { normalizeAdjacency } from './normalize-adjacency.js';
import { randomPoints } from './test-helpers.js';

describe('euclideanAdjacencyBatch', () => {
  const graphs = [randomPoints(6, 1), randomPoints(6, 2), randomPoints(6, 3)];
  const options = { k: 2, tau: 3 };

  it('stacks the single-graph results B × N × N, from nested or one flat array', () => {
    const expected = graphs.flatMap((g) => Array.from(euclideanAdjacency(g, options).data));
    const fromList = euclideanAdjacencyBatch(graphs, options);
    expect(fromList).toMatchObject({ batch: 3, rows: 6, cols: 6 });
    expect(Array.from(fromList.data)).toEqual(expected);
    const flat = new Float32Array(graphs.flat(2));
    const fromFlat = euclideanAdjacencyBatch(flat, { ...options, batch: 3 });
    // The flat input went through float32, so compare with a float32 tolerance.
    fromFlat.data.forEach((value, index) => expect(value).toBeCloseTo(expected[index], 5));
  });

  it('normalize: true equals normalizeAdjacency per graph, and normalizeAdjacencyBatch agrees', () => {
    const expected = graphs.flatMap((g) => Array.from(normalizeAdjacency(euclideanAdjacency(g, options)).data));
    expect(Array.from(euclideanAdjacencyBatch(graphs, { ...options, normalize: true }).data)).toEqual(expected);
    expect(Array.from(normalizeAdjacencyBatch(euclideanAdjacencyBatch(graphs, options)).data)).toEqual(expected);
  });

  it('names the problem for bad input', () => {
    expect(() => euclideanAdjacencyBatch([0, 0, 1, 1])).toThrow(/options\.batch must be a positive integer/);
    expect(() => euclideanAdjacencyBatch([0, 0, 1, 1, 2, 2], { batch: 4 })).toThrow(/length 6, not a multiple of options\.batch = 4/);
    expect(() => euclideanAdjacencyBatch([randomPoints(3, 1), randomPoints(4, 1)])).toThrow(/points\[1\] has 4 nodes but points\[0\] has 3/);
    expect(() => euclideanAdjacencyBatch([[[0, 0]], [[0, NaN]]])).toThrow(/graph 1.*points\[0\]\[1\] is NaN/);
    expect(() => normalizeAdjacencyBatch({ data: new Float32Array(7), batch: 2, rows: 2, cols: 2 })).toThrow(/length 7/);
  });
});
