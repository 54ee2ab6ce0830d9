import { describe, expect, it } from 'vitest';
import { decodeHeatmaps, decodeHeatmapsBatch } from './decode-heatmaps.js';
import { encodeHeatmaps, encodeHeatmapsBatch, type HeatmapNormalization } from './gaussian-heatmap.js';
import { mulberry32 } from './test-support.js';

/** An H×W×2 channels-last map whose two channels are `first` and `second` (rows). */
function twoChannels(first: number[][], second: number[][] = first): Float32Array {
  const a = first.flat();
  const b = second.flat();
  const out = new Float32Array(a.length * 2);
  for (let p = 0; p < a.length; p++) out.set([a[p], b[p]], 2 * p);
  return out;
}

describe('decodeHeatmaps', () => {
  it('decodes a peak on a pixel to that pixel and its intensity', () => {
    const options = { height: 5, width: 6, sigma: 1 };
    const { heatmaps } = encodeHeatmaps([2, 1, 4, 3], [3], options);
    const decoded = decodeHeatmaps(heatmaps, { ...options, channels: 2 });
    expect(decoded.points[0]).toEqual({ x: 2, y: 1, value: expect.closeTo(3, 5) });
    expect(decoded.points[1]).toEqual({ x: 4, y: 3, value: expect.closeTo(3, 5) });
    expect(decoded.intensities[0]).toBeCloseTo(3, 5);
  });

  it('steps a quarter pixel towards the larger neighbour and estimates the height (worked by hand)', () => {
    // Maximum 1 at (row 1, col 1); left 0.2 < right 0.5 → x = 1.25; up = down = 0.3 → y = 1.
    // Height, σ = 1: δx = σ²·(ln 0.5 − ln 0.2)/2 = ln(2.5)/2 = 0.458 (inside ±0.5), δy = 0,
    // so value = 1·exp(δx²/(2σ²)).
    const heatmap = twoChannels(
      [
        [0, 0.3, 0],
        [0.2, 1, 0.5],
        [0, 0.3, 0],
      ],
      [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ],
    );
    const decoded = decodeHeatmaps(heatmap, { height: 3, width: 3, channels: 2, sigma: 1, value: 'peak' });
    const deltaX = Math.log(2.5) / 2;
    expect(decoded.points[0]).toEqual({ x: 1.25, y: 1, value: expect.closeTo(Math.exp((deltaX * deltaX) / 2), 6) });
    // The AU's intensity is the mean of its two points: (1.1106 + 0) / 2.
    expect(decoded.intensities[0]).toBeCloseTo(Math.exp((deltaX * deltaX) / 2) / 2, 6);
    // With 'gaussian' refinement the location is the fitted centre instead.
    const fitted = decodeHeatmaps(heatmap, { height: 3, width: 3, channels: 2, sigma: 1, refinement: 'gaussian' });
    expect(fitted.points[0].x).toBeCloseTo(1 + deltaX, 6);
  });

  it("'window' (the default) fits the Gaussian's height over the 5×5 pixels around the maximum (worked by hand)", () => {
    // A lone spike of 1 at (1, 1) of a 3×3 map, σ = 1: no neighbour, so the centre is (1, 1);
    // the window holds the whole map. Σ h·g = 1·g(0) = 1; Σ g² = 1 + 4·e⁻¹ (edge neighbours,
    // d² = 1, g² = e^(−d²/σ²)) + 4·e⁻² (corners, d² = 2) → value = 1 / (1 + 4/e + 4/e²).
    const spike = twoChannels(
      [
        [0, 0, 0],
        [0, 1, 0],
        [0, 0, 0],
      ],
      [
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ],
    );
    const expected = 1 / (1 + 4 / Math.E + 4 / Math.E ** 2);
    expect(decodeHeatmaps(spike, { height: 3, width: 3, channels: 2, sigma: 1 }).points[0].value).toBeCloseTo(expected, 6);
    expect(decodeHeatmaps(spike, { height: 3, width: 3, channels: 2, sigma: 1, value: 'peak' }).points[0].value).toBe(1);
    // A map wider than its target (the Gaussian of σ = 2 where σ = 1 was trained): the window
    // reads more of the spread mass than the peak does. h = g₂, Σ h·g₁ / Σ g₁² over 5×5 at (2, 2).
    const H = 5;
    const wide = new Float32Array(H * H * 2);
    let hg = 0;
    let gg = 0;
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < H; j++) {
        const d2 = (i - 2) ** 2 + (j - 2) ** 2;
        wide[(i * H + j) * 2] = Math.exp(-d2 / 8);
        hg += Math.exp(-d2 / 8) * Math.exp(-d2 / 2);
        gg += Math.exp(-d2);
      }
    }
    const value = decodeHeatmaps(wide, { height: H, width: H, channels: 2, sigma: 1 }).points[0].value;
    expect(value).toBeCloseTo(hg / gg, 5);
    expect(value).toBeGreaterThan(1);
    expect(() => decodeHeatmaps(spike, { height: 3, width: 3, channels: 2, value: 'mean' as never })).toThrow(/options.value must be 'window' or 'peak', got "mean"/);
  });

  it('gives an all-zero map the first pixel, value 0, intensity 0', () => {
    const decoded = decodeHeatmaps(new Float32Array(4 * 5 * 2), { height: 4, width: 5, channels: 2 });
    expect(decoded.points).toEqual([{ x: 0, y: 0, value: 0 }, { x: 0, y: 0, value: 0 }]);
    expect(Array.from(decoded.intensities)).toEqual([0]);
  });

  it('gives ties to the first maximum in row-major order', () => {
    // Equal maxima at (row 1, col 3) and (row 2, col 0): row-major order meets (1, 3) first.
    // Its neighbours are 0 (left, up, down) and the zero padding beyond the edge (right).
    const rows = [
      [0, 0, 0, 0],
      [0, 0, 0, 2],
      [2, 0, 0, 0],
    ];
    const decoded = decodeHeatmaps(twoChannels(rows), { height: 3, width: 4, channels: 2 });
    expect(decoded.points[0]).toEqual({ x: 3, y: 1, value: 2 });
  });

  it('clamps intensities to [0, 5] but reports the raw point values', () => {
    const negative = twoChannels([[-1, -1], [-1, -1]]);
    const decodedNegative = decodeHeatmaps(negative, { height: 2, width: 2, channels: 2 });
    expect(decodedNegative.points[0]).toEqual({ x: 0, y: 0, value: -1 });
    expect(decodedNegative.intensities[0]).toBe(0);
    const high = twoChannels([[0, 0, 0], [0, 7, 0], [0, 0, 0]]);
    const decodedHigh = decodeHeatmaps(high, { height: 3, width: 3, channels: 2 });
    expect(decodedHigh.points[0].value).toBe(7);
    expect(decodedHigh.intensities[0]).toBe(5);
  });

  it('undoes the density normalization (value = height / g, g = 1/(2πσ²))', () => {
    const options = { height: 16, width: 16, sigma: 2, normalization: 'density' as const };
    const { heatmaps } = encodeHeatmaps([5, 6, 9, 9], [2], options);
    expect(decodeHeatmaps(heatmaps, { ...options, channels: 2 }).intensities[0]).toBeCloseTo(2, 4);
    // Read as 'peak', the same map gives the raw height 2/(2π·4).
    const asPeak = decodeHeatmaps(heatmaps, { ...options, normalization: 'peak', channels: 2 });
    expect(asPeak.points[0].value).toBeCloseTo(2 / (8 * Math.PI), 6);
  });

  it('finds a peak at the map edge from the inside neighbour (zero padding outside)', () => {
    const options = { height: 8, width: 8, sigma: 1 };
    // x = 0.3 → column 0, its right neighbour beats the zero beyond the edge → 0.25;
    // y = 6.8 → row 7 (the last), its upper neighbour wins → 6.75.
    const { heatmaps } = encodeHeatmaps([0.3, 5, 5, 6.8], [4], options);
    const decoded = decodeHeatmaps(heatmaps, { ...options, channels: 2 });
    expect(decoded.points[0]).toEqual({ x: 0.25, y: 5, value: expect.closeTo(4, 4) });
    expect(decoded.points[1]).toEqual({ x: 5, y: 6.75, value: expect.closeTo(4, 4) });
  });

  for (const [normalization, size] of [['peak', 64], ['density', 64], ['peak', 32]] as [HeatmapNormalization, number][]) {
    it(`round-trips random points and intensities (${normalization}, ${size}×${size}): intensity ±0.05, location ±0.5 px`, () => {
      const random = mulberry32(size + normalization.length);
      const aus = 12;
      const options = { height: size, width: size, normalization };
      let worstPlainMax = 0;
      for (let trial = 0; trial < 40; trial++) {
        const points = Float32Array.from({ length: aus * 4 }, () => random() * (size - 1));
        const intensities = Float32Array.from({ length: aus }, () => (random() < 0.15 ? 0 : random() * 5));
        const { heatmaps } = encodeHeatmaps(points, intensities, options);
        const decoded = decodeHeatmaps(heatmaps, { ...options, channels: 2 * aus });
        for (let a = 0; a < aus; a++) {
          expect(Math.abs(decoded.intensities[a] - intensities[a])).toBeLessThan(0.05);
          if (intensities[a] === 0) continue;
          for (const k of [2 * a, 2 * a + 1]) {
            const { x, y } = decoded.points[k];
            expect(Math.hypot(x - points[2 * k], y - points[2 * k + 1])).toBeLessThan(0.5);
          }
          // How far a plain max/g would be off (to show the height estimate is needed).
          if (normalization === 'peak') {
            let max = 0;
            for (let p = 0; p < size * size; p++) max = Math.max(max, heatmaps[p * 2 * aus + 2 * a]);
            worstPlainMax = Math.max(worstPlainMax, intensities[a] - max);
          }
        }
      }
      if (normalization === 'peak') expect(worstPlainMax).toBeGreaterThan(0.05);
    });
  }

  it('recovers the exact centre with refinement "gaussian"', () => {
    const random = mulberry32(99);
    const options = { height: 64, width: 64, sigma: 2 };
    for (let trial = 0; trial < 50; trial++) {
      const points = [random() * 63, random() * 63, random() * 63, random() * 63];
      const { heatmaps } = encodeHeatmaps(points, [0.5 + random() * 4.5], options);
      const decoded = decodeHeatmaps(heatmaps, { ...options, channels: 2, refinement: 'gaussian' });
      decoded.points.forEach(({ x, y }, k) => expect(Math.hypot(x - points[2 * k], y - points[2 * k + 1])).toBeLessThan(0.01));
    }
  });

  it('decodes a missing (NaN) AU’s empty maps as intensity 0', () => {
    const options = { height: 8, width: 8 };
    const { heatmaps } = encodeHeatmaps([1, 1, 2, 2, 3, 3, 4, 4], [NaN, 2], options);
    expect(Array.from(decodeHeatmaps(heatmaps, { ...options, channels: 4 }).intensities)).toEqual([0, expect.closeTo(2, 4)]);
  });

  it('names the argument and the expected size on bad input', () => {
    const options = { height: 4, width: 4, channels: 2 };
    expect(() => decodeHeatmaps(new Float32Array(31), options)).toThrow(/decodeHeatmaps\(heatmaps\): expected H×W×K = 4×4×2 = 32 values, got 31/);
    expect(() => decodeHeatmaps(new Float32Array(48), { ...options, channels: 3 })).toThrow(/options.channels \(K\) must be even \(two points per AU, K = 2A\), got 3/);
    expect(() => decodeHeatmaps(new Float32Array(32), { height: 4, width: 4 } as never)).toThrow(/options.channels \(K\) must be a positive integer, got undefined/);
    expect(() => decodeHeatmaps(new Float32Array(32), { ...options, refinement: 'udp' as never })).toThrow(/options.refinement must be 'quarter' or 'gaussian', got "udp"/);
    expect(() => decodeHeatmaps(new Float32Array(32), { ...options, sigma: -1 })).toThrow(/options.sigma must be a finite number > 0, got -1/);
  });
});

describe('decodeHeatmapsBatch', () => {
  it('equals decoding each sample of a B×H×W×K batch', () => {
    const options = { height: 12, width: 10 };
    const points = [Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8), Float32Array.of(9, 1, 2, 8.5, 4, 4, 6.2, 6)];
    const intensities = [Float32Array.of(1, 2), Float32Array.of(4, 0)];
    const { heatmaps } = encodeHeatmapsBatch(points, intensities, options);
    const batch = decodeHeatmapsBatch(heatmaps, { ...options, channels: 4 });
    expect(batch.length).toBe(2);
    const mapSize = 12 * 10 * 4;
    batch.forEach((result, b) => expect(result).toEqual(decodeHeatmaps(heatmaps.subarray(b * mapSize, (b + 1) * mapSize), { ...options, channels: 4 })));
    expect(batch[1].intensities[0]).toBeCloseTo(4, 4);
  });

  it('rejects a length that is not a multiple of H×W×K', () => {
    expect(() => decodeHeatmapsBatch(new Float32Array(33), { height: 4, width: 4, channels: 2 })).toThrow(/expected B×H×W×K = B×4×4×2 \(a multiple of 32\) values, got 33/);
  });
});
