import { describe, expect, it } from 'vitest';
import { SharedRegions, sumInOrder, weightedSumInOrder } from './shared-regions.js';

describe('SharedRegions', () => {
  it('gives every (parity, rank) its own gradient and statistics views of one shared buffer', () => {
    const regions = SharedRegions.allocate(3, { gradients: 4, statistics: 2 });
    expect(regions.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(regions.buffer.byteLength).toBe(2 * 3 * 6 * 4);
    regions.gradients(1, 2).fill(5);
    regions.statistics(1, 2).fill(7);
    regions.statistics(0, 0).fill(1);
    const all = new Float32Array(regions.buffer);
    // (parity 1, rank 2) is the last region: 4 gradients then 2 statistics
    expect(Array.from(all.subarray(30, 36))).toEqual([5, 5, 5, 5, 7, 7]);
    expect(Array.from(all.subarray(0, 6))).toEqual([0, 0, 0, 0, 1, 1]);
    // another thread's view of the same buffer sees the same values
    const again = new SharedRegions(regions.buffer, 3, { gradients: 4, statistics: 2 });
    expect(Array.from(again.gradients(1, 2))).toEqual([5, 5, 5, 5]);
    expect(() => regions.gradients(2, 0)).toThrow(/no region for parity 2/);
    expect(() => regions.statistics(0, 3)).toThrow(/rank 3 \(3 ranks\)/);
    expect(() => new SharedRegions(regions.buffer, 2, { gradients: 4, statistics: 2 })).toThrow(/2 ranks need 96/);
  });
});

describe('sumInOrder and weightedSumInOrder', () => {
  it('add in float64 in the given order and round once to float32', () => {
    // 1 + 2^-24 + 2^-24: float32 step by step would give 1 both times; float64 then rounding gives 1 + 2^-23.
    const a = Float32Array.from([1, 2, 3]);
    const b = Float32Array.from([2 ** -24, 10, -3]);
    const c = Float32Array.from([2 ** -24, 100, 0.5]);
    expect(Array.from(sumInOrder([a, b, c], 3))).toEqual([1 + 2 ** -23, 112, 0.5]);
    expect(Array.from(sumInOrder([a, b], 2))).toEqual([1, 12]);
    const out = new Float32Array(4).fill(9);
    expect(sumInOrder([a], 3, out)).toBe(out);
    expect(Array.from(out)).toEqual([1, 2, 3, 9]);
    expect(Array.from(weightedSumInOrder([a, b], [0.75, 0.25], 3))).toEqual([Math.fround(0.75 + 2 ** -26), 4, 1.5]);
    // a replica with weight 0 (an empty shard) does not count
    expect(Array.from(weightedSumInOrder([a, b], [1, 0], 3))).toEqual([1, 2, 3]);
    expect(() => sumInOrder([], 1)).toThrow(/at least one source/);
    expect(() => sumInOrder([a], 5)).toThrow(/has 3 values, expected at least 5/);
    expect(() => weightedSumInOrder([a, b], [1], 1)).toThrow(/one weight per source/);
  });
});
