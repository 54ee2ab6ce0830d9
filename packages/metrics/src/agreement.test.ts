import { describe, expect, it } from 'vitest';
import { mae, mse, pearson, pearsonDetails } from './agreement.js';

describe('mae, mse', () => {
  it('work by hand', () => {
    expect(mae([1, 2, 3], [2, 2, 5])).toBeCloseTo((1 + 0 + 2) / 3, 12);
    expect(mse([1, 2, 3], [2, 2, 5])).toBeCloseTo((1 + 0 + 4) / 3, 12);
    expect(mae(new Float32Array([0.5]), [1.5])).toBe(1);
  });

  it('are NaN for no data and propagate NaN (filter missing labels first)', () => {
    expect(mae([], [])).toBeNaN();
    expect(mse([], [])).toBeNaN();
    expect(mae([1, NaN], [1, 2])).toBeNaN();
  });

  it('name the arguments and sizes when they do not pair up', () => {
    expect(() => mae([1, 2], [1])).toThrow(/mae: predictions has 2 values but truth has 1/);
    expect(() => mse([1], 'a' as never)).toThrow(/mse: truth must be an array of numbers/);
  });
});

describe('pearson', () => {
  it('works by hand', () => {
    // x = 1, 2, 3 (mean 2); y = 2, 4, 7 (mean 13/3): cov = 5, Σdx² = 2, Σdy² = 114/9
    expect(pearson([1, 2, 3], [2, 4, 7])).toBeCloseTo(5 / Math.sqrt((2 * 114) / 9), 12);
    expect(pearson([1, 2, 3], [6, 4, 2])).toBeCloseTo(-1, 12);
    expect(pearson([1, 2, 3, 4], [2, 4, 6, 8])).toBe(1);
  });

  it('is NaN with a reason where undefined', () => {
    expect(pearsonDetails([1, 2, 3], [2, 2, 2])).toEqual({ value: NaN, reason: 'truth is constant: correlation is undefined' });
    expect(pearsonDetails([1, 1], [2, 3]).reason).toMatch(/predictions are constant/);
    expect(pearsonDetails([1], [2]).reason).toMatch(/one pair/);
    expect(pearsonDetails([], []).reason).toBe('no data');
    expect(pearson([1, NaN, 3], [1, 2, 3])).toBeNaN();
  });

  it('names the arguments when they do not pair up', () => {
    expect(() => pearson([1, 2, 3], [1, 2])).toThrow(/pearson: predictions has 3 values but truth has 2/);
  });
});
