import { describe, expect, it } from 'vitest';
import { RollingSeries } from './rolling-series.js';

describe('RollingSeries', () => {
  it('keeps the last seconds, with NaN for frames without a face', () => {
    const s = new RollingSeries(2, 1);
    s.push(0, [1, 2]);
    s.push(0.5, null);
    s.push(1, [3, 4]);
    expect(s.all.map((x) => x.t)).toEqual([0, 0.5, 1]);
    expect(Number.isNaN(s.all[1]!.values[0])).toBe(true);
    s.push(1.6, [5, 5]); // 0 and 0.5 are older than 1.6 − 1
    expect(s.all.map((x) => x.t)).toEqual([1, 1.6]);
    const [from, to] = s.window();
    expect(from).toBeCloseTo(0.6, 12);
    expect(to).toBe(1.6);
    expect(() => s.push(2, [1])).toThrow(/expected 2/);
    s.clear();
    expect(s.window()).toEqual([0, 1]);
  });
});
