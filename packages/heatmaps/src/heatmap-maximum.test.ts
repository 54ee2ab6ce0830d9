import { describe, expect, it } from 'vitest';
import { channelMaxima, gaussianPeakHeight, gaussianSubpixelOffset, quarterPixelStep } from './heatmap-maximum.js';

describe('channelMaxima', () => {
  it('finds each channel’s maximum in a channels-last map', () => {
    // H = 2, W = 3, K = 2. Channel 0 = [[1, 5, 2], [0, 4, 3]], channel 1 = [[0, 0, 0], [0, 0, 9]].
    const channel0 = [1, 5, 2, 0, 4, 3];
    const channel1 = [0, 0, 0, 0, 0, 9];
    const map = new Float32Array(12);
    for (let p = 0; p < 6; p++) map.set([channel0[p], channel1[p]], 2 * p);
    const { pixel, value } = channelMaxima(map, 2, 3, 2);
    expect(Array.from(pixel)).toEqual([1, 5]);
    expect(Array.from(value)).toEqual([5, 9]);
  });

  it('gives ties to the first pixel in row-major order, and pixel 0 for a constant map', () => {
    const tie = Float32Array.from([0, 0, 7, 0, 7, 7]); // K = 1, H = 2, W = 3
    expect(channelMaxima(tie, 2, 3, 1).pixel[0]).toBe(2);
    expect(channelMaxima(new Float32Array(6), 2, 3, 1).pixel[0]).toBe(0);
    expect(channelMaxima(new Float32Array(6).fill(-2), 3, 2, 1)).toEqual({ pixel: Int32Array.of(0), value: Float32Array.of(-2) });
  });
});

describe('quarterPixelStep', () => {
  it('steps a quarter pixel towards the larger neighbour, not at all on a tie', () => {
    expect(quarterPixelStep(0.2, 0.5)).toBe(0.25);
    expect(quarterPixelStep(0.5, 0.2)).toBe(-0.25);
    expect(quarterPixelStep(0.3, 0.3)).toBe(0);
  });
});

describe('gaussianSubpixelOffset', () => {
  const sample = (t: number, delta: number, sigma: number) => 4 * Math.exp(-((t - delta) ** 2) / (2 * sigma * sigma));

  it('recovers the centre of a sampled Gaussian from both neighbours', () => {
    for (const [delta, sigma] of [[0.3, 1.5], [-0.45, 2], [0, 1], [0.5, 0.7]]) {
      const offset = gaussianSubpixelOffset(sample(-1, delta, sigma), sample(0, delta, sigma), sample(1, delta, sigma), sigma);
      expect(offset).toBeCloseTo(delta, 10);
    }
  });

  it('recovers it from one neighbour when the other is missing (≤ 0)', () => {
    expect(gaussianSubpixelOffset(0, sample(0, 0.2, 2), sample(1, 0.2, 2), 2)).toBeCloseTo(0.2, 10);
    expect(gaussianSubpixelOffset(sample(-1, -0.35, 2), sample(0, -0.35, 2), 0, 2)).toBeCloseTo(-0.35, 10);
  });

  it('clamps to ±0.5, and gives 0 without a positive peak or neighbour', () => {
    expect(gaussianSubpixelOffset(0.001, 1, 0.999, 2)).toBe(0.5);
    expect(gaussianSubpixelOffset(0.999, 1, 0.001, 2)).toBe(-0.5);
    expect(gaussianSubpixelOffset(0, 1, 0, 2)).toBe(0);
    expect(gaussianSubpixelOffset(0.5, 0, 0.6, 2)).toBe(0);
  });
});

describe('gaussianPeakHeight', () => {
  it('divides out exp(−(δx² + δy²)/2σ²)', () => {
    expect(gaussianPeakHeight(3, 0.5, -0.5, 2)).toBeCloseTo(3 * Math.exp((0.25 + 0.25) / 8), 12);
    expect(gaussianPeakHeight(3, 0, 0, 2)).toBe(3);
  });
});
