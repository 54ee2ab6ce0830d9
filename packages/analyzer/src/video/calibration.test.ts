import { describe, expect, it } from 'vitest';
import { ONLINE_WARMUP, calibrateSeries, percentile } from './calibration.js';
import { smoothSeries } from './smoothing.js';

describe('percentile', () => {
  it('interpolates between order statistics (numpy\'s default) and skips NaN', () => {
    expect(percentile([1, 2, 3, 4, 5], 50)).toBe(3);
    expect(percentile([4, 1, 3, 2], 25)).toBeCloseTo(1.75, 10); // numpy.percentile([1,2,3,4], 25) = 1.75
    expect(percentile([NaN, 2, 8], 0)).toBe(2);
    expect(percentile([], 10)).toBeNaN();
  });
});

describe('calibrateSeries', () => {
  // two AUs over 100 frames: AU a has a resting level (bias) of 1 + a, and bursts of +2 on 10 frames
  const T = 100, A = 2;
  const series = Float32Array.from({ length: T * A }, (_, i) => { const t = Math.floor(i / A), a = i % A; return 1 + a + (t % 10 === 0 ? 2 : 0); });

  it("'video' removes each AU's own resting level; the bursts keep their height; clipped to [0, 5]", () => {
    const out = calibrateSeries(series, A, 'video', 20);
    for (let t = 0; t < T; t++) for (let a = 0; a < A; a++) expect(out[t * A + a]).toBeCloseTo(t % 10 === 0 ? 2 : 0, 5);
    expect(Math.min(...calibrateSeries(Float32Array.from([0.5, 0.2, 0.9]), 1, 'video', 90))).toBe(0);
  });

  it("'online' uses only the frames so far and leaves the first ONLINE_WARMUP frames as they are", () => {
    const out = calibrateSeries(series, A, 'online', 20);
    for (let t = 0; t < ONLINE_WARMUP - 1; t++) expect(out[t * A + 1]).toBe(series[t * A + 1]);
    for (let t = ONLINE_WARMUP; t < T; t++) expect(out[t * A + 1]).toBeCloseTo(t % 10 === 0 ? 2 : 0, 2);
    // causal: changing the future does not change the past
    const changed = Float32Array.from(series); changed.fill(5, 80 * A);
    expect(Array.from(calibrateSeries(changed, A, 'online', 20).subarray(0, 80 * A))).toEqual(Array.from(out.subarray(0, 80 * A)));
  });

  it("'none' is a copy", () => {
    const out = calibrateSeries(series, A, 'none');
    expect(out).not.toBe(series);
    expect(Array.from(out)).toEqual(Array.from(series));
  });
});

describe('smoothSeries', () => {
  it('a centred moving average per AU; the window shrinks at the ends', () => {
    const s = Float32Array.from([0, 10, 3, 20, 6, 30, 9, 40]); // 4 frames × 2 AUs
    const out = smoothSeries(s, 2, 3);
    expect(Array.from(out)).toEqual([1.5, 15, 3, 20, 6, 30, 7.5, 35]);
    expect(Array.from(smoothSeries(s, 2, 1))).toEqual(Array.from(s));
    // even window: one more frame after than before
    expect(Array.from(smoothSeries(Float32Array.from([0, 4, 8]), 1, 2))).toEqual([2, 6, 8]);
    expect(() => smoothSeries(s, 2, 0)).toThrow(/positive integer/);
  });
});
