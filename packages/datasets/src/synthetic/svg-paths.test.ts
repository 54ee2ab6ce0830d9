import { describe, expect, it } from 'vitest';
import { fmt, polylinePath, shade, smoothClosedPath, smoothOpenPath } from './svg-paths.js';

describe('svg paths', () => {
  it('formats numbers with at most 4 decimals and no negative zero', () => {
    expect(fmt(0.123456)).toBe('0.1235');
    expect(fmt(-0.00001)).toBe('0');
    expect(fmt(2)).toBe('2');
    expect(fmt(-1.5)).toBe('-1.5');
  });

  it('passes an open smooth path through every point, in order', () => {
    const d = smoothOpenPath([[0, 0], [1, 0.5], [2, 0]]);
    expect(d.startsWith('M0 0')).toBe(true);
    const ends = [...d.matchAll(/C[^C]* ([-\d.]+ [-\d.]+)(?=C|$)/g)].map((m) => m[1]);
    expect(ends).toEqual(['1 0.5', '2 0']);
  });

  it('closes a closed path through every point and back to the first', () => {
    const d = smoothClosedPath([[0, 0], [1, 0], [1, 1], [0, 1]]);
    expect(d.endsWith('0 0Z')).toBe(true);
    expect((d.match(/C/g) ?? []).length).toBe(4);
  });

  it('draws polylines and shades colours with clamping', () => {
    expect(polylinePath([[0, 0], [1, 2]], true)).toBe('M0 0L1 2Z');
    expect(shade([100, 200, 250], 1.2)).toBe('rgb(120,240,255)');
    expect(shade([100, 200, 250], 0)).toBe('rgb(0,0,0)');
  });

  it('refuses too few points', () => {
    expect(() => smoothOpenPath([[0, 0]])).toThrow(/at least 2/);
    expect(() => smoothClosedPath([[0, 0], [1, 1]])).toThrow(/at least 3/);
  });
});
