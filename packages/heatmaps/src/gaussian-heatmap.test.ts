import { describe, expect, it } from 'vitest';
import { GAUSSIAN_WINDOW_SIGMAS, encodeHeatmaps, encodeHeatmapsBatch, gaussianPeakFactor } from './gaussian-heatmap.js';
import { mulberry32 } from './test-support.js';

/** Channel k of an H×W×K channels-last map, as rows. */
function channel(map: Float32Array, height: number, width: number, channels: number, k: number): number[][] {
  return Array.from({ length: height }, (_, i) => Array.from({ length: width }, (_, j) => map[(i * width + j) * channels + k]));
}

/** Independent reference: the full-map formula of docs/method.md §2, no window. */
function naiveHeatmap(x: number, y: number, intensity: number, height: number, width: number, sigma: number, g: number): number[][] {
  return Array.from({ length: height }, (_, i) =>
    Array.from({ length: width }, (_, j) => intensity * g * Math.exp(-((j - x) ** 2 + (i - y) ** 2) / (2 * sigma * sigma))));
}

describe('encodeHeatmaps', () => {
  it('draws one peak worked out by hand (peak normalization)', () => {
    // H = 5, W = 6, σ = 1, one AU of intensity 3 with both points at (x = 2, y = 1).
    const { heatmaps, weights } = encodeHeatmaps([2, 1, 2, 1], [3], { height: 5, width: 6, sigma: 1 });
    expect(heatmaps.length).toBe(5 * 6 * 2);
    expect(Array.from(weights)).toEqual([1, 1]);
    const map = channel(heatmaps, 5, 6, 2, 0);
    expect(map[1][2]).toBeCloseTo(3, 6); // the centre: I·g = 3
    expect(map[1][3]).toBeCloseTo(3 * Math.exp(-1 / 2), 6); // one column right: d² = 1
    expect(map[2][3]).toBeCloseTo(3 * Math.exp(-(1 + 1) / 2), 6); // diagonal: d² = 2
    expect(map[0][0]).toBeCloseTo(3 * Math.exp(-(4 + 1) / 2), 6); // d² = 2² + 1²
    expect(map[4][5]).toBeCloseTo(3 * Math.exp(-(9 + 9) / 2), 9); // d² = 3² + 3², inside the ±4σ window
    expect(channel(heatmaps, 5, 6, 2, 1)).toEqual(map);
  });

  it('samples a sub-pixel centre below its peak', () => {
    // Centre (2.5, 1.25), σ = 2: the nearest pixel (row 1, col 2) is at d² = 0.5² + 0.25².
    const { heatmaps } = encodeHeatmaps([2.5, 1.25, 0, 0], [4], { height: 4, width: 5, sigma: 2 });
    expect(channel(heatmaps, 4, 5, 2, 0)[1][2]).toBeCloseTo(4 * Math.exp(-(0.25 + 0.0625) / 8), 6);
  });

  it('puts channel k of pixel (i, j) at (i·W + j)·K + k', () => {
    const { heatmaps } = encodeHeatmaps([0, 0, 3, 0, 1, 2, 2, 2], [1, 2], { height: 3, width: 4, sigma: 0.5 });
    expect(heatmaps[(0 * 4 + 0) * 4 + 0]).toBeCloseTo(1, 6);
    expect(heatmaps[(0 * 4 + 3) * 4 + 1]).toBeCloseTo(1, 6);
    expect(heatmaps[(2 * 4 + 1) * 4 + 2]).toBeCloseTo(2, 6);
    expect(heatmaps[(2 * 4 + 2) * 4 + 3]).toBeCloseTo(2, 6);
  });

  it('scales by g = 1/(2πσ²) with density normalization', () => {
    expect(gaussianPeakFactor('peak', 2)).toBe(1);
    expect(gaussianPeakFactor('density', 2)).toBeCloseTo(1 / (2 * Math.PI * 4), 12);
    const options = { height: 16, width: 16, sigma: 2 };
    const points = [5.3, 7.9, 10, 3.2];
    const peak = encodeHeatmaps(points, [2.5], options).heatmaps;
    const density = encodeHeatmaps(points, [2.5], { ...options, normalization: 'density' }).heatmaps;
    for (let n = 0; n < peak.length; n++) expect(density[n]).toBeCloseTo(peak[n] / (8 * Math.PI), 6);
    expect(Math.max(...density)).toBeLessThan(2.5 / (8 * Math.PI) + 1e-6);
  });

  it('defaults σ to 2·H/64', () => {
    const implicit = encodeHeatmaps([10, 10, 20, 12], [1], { height: 32, width: 40 }).heatmaps;
    const explicit = encodeHeatmaps([10, 10, 20, 12], [1], { height: 32, width: 40, sigma: 1 }).heatmaps;
    expect(implicit).toEqual(explicit);
  });

  it('agrees with the full formula everywhere, up to the ±4σ cut-off (≤ I·g·e⁻⁸)', () => {
    const random = mulberry32(3);
    for (let trial = 0; trial < 20; trial++) {
      const [height, width, sigma] = [24, 20, 0.5 + random() * 3];
      const x = random() * 26 - 3; // some centres off the map, their tails still on it
      const y = random() * 30 - 3;
      const intensity = random() * 5;
      const { heatmaps } = encodeHeatmaps([x, y, 0, 0], [intensity], { height, width, sigma, normalization: 'density' });
      const g = 1 / (2 * Math.PI * sigma * sigma);
      const reference = naiveHeatmap(x, y, intensity, height, width, sigma, g);
      const ours = channel(heatmaps, height, width, 2, 0);
      const bound = intensity * g * Math.exp(-(GAUSSIAN_WINDOW_SIGMAS ** 2) / 2) + 1e-6;
      for (let i = 0; i < height; i++) {
        for (let j = 0; j < width; j++) expect(Math.abs(ours[i][j] - reference[i][j])).toBeLessThanOrEqual(bound);
      }
    }
  });

  it('is exactly zero beyond 4σ along an axis and non-zero inside', () => {
    const { heatmaps } = encodeHeatmaps([0, 0, 0, 0], [1], { height: 1, width: 12, sigma: 1 });
    const row = channel(heatmaps, 1, 12, 2, 0)[0];
    expect(row[4]).toBeCloseTo(Math.exp(-16 / 2), 9);
    expect(row.slice(5)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('gives an empty map and weight 0 for a NaN intensity, weight 1 for intensity 0', () => {
    const { heatmaps, weights } = encodeHeatmaps([3, 3, 4, 4, 3, 3, 4, 4, 3, 3, 4, 4], [NaN, 0, 2], { height: 8, width: 8 });
    expect(Array.from(weights)).toEqual([0, 0, 1, 1, 1, 1]);
    for (const k of [0, 1, 2, 3]) expect(channel(heatmaps, 8, 8, 6, k).flat().every((v) => v === 0)).toBe(true);
    expect(channel(heatmaps, 8, 8, 6, 4)[3][3]).toBeCloseTo(2, 6);
  });

  it('gives weight 0 to a point whose window misses the map, or that is not finite', () => {
    const options = { height: 8, width: 8, sigma: 1 };
    // x = −4.5: the window ends at −0.5, left of column 0. x = 10.9: it starts at 6.9, so
    // column 7 (3.9 σ away) gets the tail. x = 12.1 would start at 8.1: nothing on the map.
    const { heatmaps, weights } = encodeHeatmaps([-4.5, 3, 10.9, 3, 3, NaN, 12.1, 3], [2, 2], options);
    expect(Array.from(weights)).toEqual([0, 1, 0, 0]);
    expect(channel(heatmaps, 8, 8, 4, 1)[3][7]).toBeCloseTo(2 * Math.exp(-(3.9 ** 2) / 2), 7);
    expect(channel(heatmaps, 8, 8, 4, 1)[3][6]).toBe(0);
    expect(channel(heatmaps, 8, 8, 4, 0).flat().every((v) => v === 0)).toBe(true);
    expect(channel(heatmaps, 8, 8, 4, 2).flat().every((v) => v === 0)).toBe(true);
  });

  it('accepts [x, y][] and reuses a given output buffer (zeroing it first)', () => {
    const out = new Float32Array(6 * 6 * 2).fill(9);
    const a = encodeHeatmaps([[1, 2], [3, 4]], [1], { height: 6, width: 6, out });
    expect(a.heatmaps).toBe(out);
    expect(Array.from(out)).toEqual(Array.from(encodeHeatmaps(Float32Array.of(1, 2, 3, 4), [1], { height: 6, width: 6 }).heatmaps));
  });

  it('names the argument and the expected size on bad input', () => {
    const ok = { height: 4, width: 4 };
    expect(() => encodeHeatmaps([1, 2, 3], [1], ok)).toThrow(/encodeHeatmaps\(points\): flat points need an even length/);
    expect(() => encodeHeatmaps([1, 2], [1], ok)).toThrow(/encodeHeatmaps\(points\): expected K×2 with K = 2A = 2 \(A = 1 intensities\) = 4 values, got length 2/);
    expect(() => encodeHeatmaps([1, 2, 3, 4], [], ok)).toThrow(/expected A ≥ 1 intensities/);
    expect(() => encodeHeatmaps([1, 2, 3, 4], [9], ok)).toThrow(/intensities\[0\] = 9 is outside \[0, 5\]; a missing label must be NaN/);
    expect(() => encodeHeatmaps([1, 2, 3, 4], [-0.5], ok)).toThrow(/intensities\[0\] = -0.5 is outside/);
    expect(() => encodeHeatmaps([1, 2, 3, 4], [1], { height: 4.5, width: 4 })).toThrow(/options.height \(H\) must be a positive integer, got 4.5/);
    expect(() => encodeHeatmaps([1, 2, 3, 4], [1], { height: 4, width: 0 })).toThrow(/options.width \(W\) must be a positive integer/);
    expect(() => encodeHeatmaps([1, 2, 3, 4], [1], { ...ok, sigma: 0 })).toThrow(/options.sigma must be a finite number > 0, got 0/);
    expect(() => encodeHeatmaps([1, 2, 3, 4], [1], { ...ok, normalization: 'gauss' as never })).toThrow(/options.normalization must be 'peak' or 'density', got "gauss"/);
    expect(() => encodeHeatmaps([1, 2, 3, 4], [1], { ...ok, out: new Float32Array(3) })).toThrow(/options.out\): expected a Float32Array of H×W×K = 4×4×2 = 32 values, got length 3/);
    expect(() => encodeHeatmaps([1, 2, 3, 4], [1], undefined as never)).toThrow(/options \{ height, width, sigma\?, normalization\? \} are required/);
  });
});

describe('encodeHeatmapsBatch', () => {
  const options = { height: 10, width: 12, sigma: 1.5 };
  const points = [Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8), Float32Array.of(9, 1, 2, 8, 4, 4, 6, 6), Float32Array.of(0, 0, 11, 9, 5, 5, 5, 5)];
  const intensities = [Float32Array.of(1, 2), Float32Array.of(NaN, 5), Float32Array.of(0, 3.5)];

  it('equals the per-sample encodings laid end to end (B×H×W×K, B×K)', () => {
    const batch = encodeHeatmapsBatch(points, intensities, options);
    const mapSize = 10 * 12 * 4;
    expect(batch.heatmaps.length).toBe(3 * mapSize);
    points.forEach((p, b) => {
      const single = encodeHeatmaps(p, intensities[b], options);
      expect(Array.from(batch.heatmaps.subarray(b * mapSize, (b + 1) * mapSize))).toEqual(Array.from(single.heatmaps));
      expect(Array.from(batch.weights.subarray(b * 4, (b + 1) * 4))).toEqual(Array.from(single.weights));
    });
  });

  it('takes flat B×K×2 and B×A arrays with options.batch', () => {
    const flatPoints = Float32Array.from(points.flatMap((p) => Array.from(p)));
    const flatIntensities = Float32Array.from(intensities.flatMap((v) => Array.from(v)));
    const flat = encodeHeatmapsBatch(flatPoints, flatIntensities, { ...options, batch: 3 });
    const nested = encodeHeatmapsBatch(points, intensities, options);
    expect(flat).toEqual(nested);
  });

  it('requires the batch size for flat arrays and checks every sample', () => {
    expect(() => encodeHeatmapsBatch(new Float32Array(24), new Float32Array(6), options)).toThrow(/the batch size B \(options.batch, needed when points and intensities are both flat\)/);
    expect(() => encodeHeatmapsBatch(new Float32Array(20), new Float32Array(6), { ...options, batch: 3 })).toThrow(/expected B×K×2 = 3×4×2 = 24 values, got length 20/);
    expect(() => encodeHeatmapsBatch(points, intensities, { ...options, batch: 2 })).toThrow(/options.batch = 2 but the per-sample arrays hold 3 samples/);
    expect(() => encodeHeatmapsBatch(points, [intensities[0], intensities[1], Float32Array.of(1)], options)).toThrow(/sample 2\) intensities: expected A = 2 values, got length 1/);
  });
});
