import { describe, expect, it } from 'vitest';
import { poseMatrix, transformPoints } from './pose.js';

describe('poseMatrix / transformPoints', () => {
  it('maps the origin to the centre and unit x to scale·(cos θ, sin θ)', () => {
    const m = poseMatrix({ rotation: 30, scale: 100, centerX: 50, centerY: 60 });
    const p = transformPoints([0, 0, 1, 0, 0, 1], m);
    expect(p[0]).toBeCloseTo(50, 5);
    expect(p[1]).toBeCloseTo(60, 5);
    expect(p[2]).toBeCloseTo(50 + 100 * Math.cos(Math.PI / 6), 4);
    expect(p[3]).toBeCloseTo(60 + 100 * Math.sin(Math.PI / 6), 4);
    // A 30° clockwise turn on screen (y down) sends +y to (−sin θ, cos θ).
    expect(p[4]).toBeCloseTo(50 - 100 * Math.sin(Math.PI / 6), 4);
    expect(p[5]).toBeCloseTo(60 + 100 * Math.cos(Math.PI / 6), 4);
  });

  it('preserves distances up to the scale (a similarity)', () => {
    const m = poseMatrix({ rotation: -12, scale: 2.5, centerX: 3, centerY: -4 });
    const p = transformPoints([0.3, -0.2, -0.1, 0.7], m);
    const before = Math.hypot(0.3 + 0.1, -0.2 - 0.7);
    expect(Math.hypot(p[0] - p[2], p[1] - p[3])).toBeCloseTo(2.5 * before, 5);
  });

  it('rejects an odd-length point list', () => {
    expect(() => transformPoints([1, 2, 3], poseMatrix({ rotation: 0, scale: 1, centerX: 0, centerY: 0 }))).toThrow(/odd length 3/);
  });
});
