import { describe, expect, it } from 'vitest';
import { assertLength, assertPositiveInteger, assertPositiveNumber, toFlatPoints } from './points.js';

describe('toFlatPoints', () => {
  it('returns a Float32Array as it is, and flattens [x, y][] and number[]', () => {
    const flat = Float32Array.of(1, 2, 3, 4);
    expect(toFlatPoints(flat, 'f')).toBe(flat);
    expect(toFlatPoints([[1, 2], [3, 4]], 'f')).toEqual(flat);
    expect(toFlatPoints([1, 2, 3, 4], 'f')).toEqual(flat);
    expect(toFlatPoints([], 'f')).toEqual(new Float32Array(0));
  });

  it('names the caller and the bad point', () => {
    expect(() => toFlatPoints([[1, 2], [3]] as never, 'g(points)')).toThrow(/g\(points\): point 1 must be an \[x, y\] pair, got \[3\]/);
    expect(() => toFlatPoints(Float32Array.of(1, 2, 3), 'g(points)')).toThrow(/g\(points\): flat points need an even length .* got 3/);
    expect(() => toFlatPoints(null as never, 'g(points)')).toThrow(/g\(points\): expected a flat number array/);
  });
});

describe('assertions', () => {
  it('accept good values and name bad ones', () => {
    expect(() => assertPositiveInteger(3, 'h')).not.toThrow();
    expect(() => assertPositiveInteger(0, 'h')).toThrow(/h must be a positive integer, got 0/);
    expect(() => assertPositiveNumber(0.1, 's')).not.toThrow();
    expect(() => assertPositiveNumber(Infinity, 's')).toThrow(/s must be a finite number > 0, got Infinity/);
    expect(() => assertLength([1, 2], 2, 'x', 'K')).not.toThrow();
    expect(() => assertLength([1, 2], 3, 'x', 'K')).toThrow(/x: expected K = 3 values, got length 2/);
  });
});
