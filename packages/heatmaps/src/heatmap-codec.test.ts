import { describe, expect, it } from 'vitest';
import { codecFromCard, createHeatmapCodec } from './heatmap-codec.js';
import { decodeHeatmaps } from './decode-heatmaps.js';
import { encodeHeatmaps } from './gaussian-heatmap.js';
import { imageToHeatmap } from './coordinates.js';

describe('HeatmapCodec', () => {
  const codec = createHeatmapCodec({ inputSize: 128, heatmapSize: 32, aus: [1, 12] });

  it('fills in σ = 2·H/64 and peak normalisation, K = 2A', () => {
    expect(codec.sigma).toBe(1);
    expect(codec.normalization).toBe('peak');
    expect(codec.channels).toBe(4);
    expect(codec.settings).toEqual({ inputSize: 128, heatmapSize: 32, aus: [1, 12], sigma: 1, normalization: 'peak', activeWeight: 1, value: 'window', scale: [1, 1] });
  });

  it('encode → decode returns the crop points and intensities (gaussian refinement is exact)', () => {
    const points = Float32Array.from([40.3, 50.1, 80.7, 50.9, 45.2, 90.6, 83.1, 91.4]);
    const intensities = Float32Array.from([2.5, 4]);
    for (const normalization of ['peak', 'density'] as const) {
      const c = createHeatmapCodec({ inputSize: 128, heatmapSize: 32, aus: [1, 12], sigma: 1.5, normalization });
      const { heatmaps, weights } = c.encode(points, intensities);
      expect(heatmaps.length).toBe(32 * 32 * 4);
      expect(Array.from(weights)).toEqual([1, 1, 1, 1]);
      const decoded = c.decode(heatmaps);
      expect(decoded.intensities[0]).toBeCloseTo(2.5, 1);
      expect(decoded.intensities[1]).toBeCloseTo(4, 1);
      // quarter-pixel refinement at H = 32: within a quarter heatmap pixel = 1 crop pixel
      for (let i = 0; i < 8; i++) expect(Math.abs(decoded.cropPoints[i]! - points[i]!)).toBeLessThan(1.01);
    }
  });

  it('agrees with the free functions it wraps (one definition of the coordinate map)', () => {
    const points = Float32Array.from([10, 20, 30, 40, 50, 60, 70, 80]);
    const intensities = [1, 3];
    const direct = encodeHeatmaps(imageToHeatmap(points, 128, 32), intensities, { height: 32, width: 32 });
    expect(codec.encode(points, intensities).heatmaps).toEqual(direct.heatmaps);
    expect(codec.decode(direct.heatmaps).intensities).toEqual(decodeHeatmaps(direct.heatmaps, { height: 32, width: 32, channels: 4 }).intensities);
  });

  it('encodeBatch / decodeBatch match per-face calls', () => {
    const a = Float32Array.from([40, 50, 80, 50, 45, 90, 83, 91]);
    const b = Float32Array.from([30, 40, 70, 45, 50, 80, 90, 95]);
    const batch = codec.encodeBatch(Float32Array.from([...a, ...b]), Float32Array.from([1, 2, 3, NaN]), 2);
    expect(batch.heatmaps.subarray(32 * 32 * 4)).toEqual(codec.encode(b, [3, NaN]).heatmaps);
    expect(Array.from(batch.weights)).toEqual([1, 1, 1, 1, 1, 1, 0, 0]);
    const decoded = codec.decodeBatch(batch.heatmaps, 2);
    expect(decoded).toHaveLength(2);
    expect(decoded[1]!.intensities[0]).toBeCloseTo(3, 1);
    expect(() => codec.decodeBatch(batch.heatmaps, 3)).toThrow(/3×32×32×4/);
  });

  it('intensityImage: max over the AU’s two channels, in intensity units (hand-computed)', () => {
    const c = createHeatmapCodec({ inputSize: 8, heatmapSize: 2, aus: [4], sigma: 0.5, normalization: 'density' });
    const g = 1 / (2 * Math.PI * 0.25);
    // H×W×K = 2×2×2, pixel p channel k at p·2 + k
    const maps = Float32Array.from([1 * g, 2 * g, 0, 0.5 * g, 9 * g, 0, -1, -2]);
    expect(Array.from(c.intensityImage(maps, 0)).map((v) => Math.round(v * 1e5) / 1e5)).toEqual([2, 0.5, 5, 0]);
  });

  it('codecFromCard reads the card’s sizes, σ and normalisation', () => {
    const c = codecFromCard({ aus: [6, 12], input: { size: 96 }, heatmap: { size: 24, sigma: 0.75, normalization: 'density' } });
    expect(c.settings).toEqual({ inputSize: 96, heatmapSize: 24, aus: [6, 12], sigma: 0.75, normalization: 'density', activeWeight: 1, value: 'window', scale: [1, 1] });
    expect(() => codecFromCard({ aus: [6] } as never)).toThrow(/input\.size/);
  });

  it('activeWeight weights the channels of active AUs in encode and encodeBatch (missing stays 0, inactive 1)', () => {
    const weighted = createHeatmapCodec({ inputSize: 128, heatmapSize: 32, aus: [1, 12, 4], activeWeight: 3 });
    const points = Float32Array.from([40, 50, 80, 50, 45, 90, 83, 91, 60, 30, 70, 30]);
    // AU1 active, AU12 inactive, AU4 missing → channels [3, 3, 1, 1, 0, 0].
    expect(Array.from(weighted.encode(points, Float32Array.from([2, 0, NaN])).weights)).toEqual([3, 3, 1, 1, 0, 0]);
    const batch = weighted.encodeBatch(Float32Array.from([...points, ...points]), Float32Array.from([2, 0, NaN, 0, 1, 0]), 2);
    expect(Array.from(batch.weights)).toEqual([3, 3, 1, 1, 0, 0, 1, 1, 3, 3, 1, 1]);
    // The heatmaps themselves do not change.
    const plain = createHeatmapCodec({ inputSize: 128, heatmapSize: 32, aus: [1, 12, 4] }).encode(points, Float32Array.from([2, 0, NaN]));
    expect(Array.from(plain.weights)).toEqual([1, 1, 1, 1, 0, 0]);
    expect(Array.from(batch.heatmaps.subarray(0, 32 * 32 * 6))).toEqual(Array.from(plain.heatmaps));
    expect(() => createHeatmapCodec({ inputSize: 128, heatmapSize: 32, aus: [1], activeWeight: 0 })).toThrow(/activeWeight must be a positive number, got 0/);
    expect(() => createHeatmapCodec({ inputSize: 128, heatmapSize: 32, aus: [1], value: 'max' as never })).toThrow(/value must be 'window' or 'peak'/);
  });

  it("value 'peak' decodes as decodeHeatmaps' 'peak'; the default is 'window'", () => {
    const peak = createHeatmapCodec({ inputSize: 128, heatmapSize: 32, aus: [1, 12], value: 'peak' });
    const maps = new Float32Array(32 * 32 * 4).map((_, i) => Math.abs(Math.sin(i * 0.37)));
    expect(peak.decode(maps).points).toEqual(decodeHeatmaps(maps, { height: 32, width: 32, channels: 4, sigma: 1, value: 'peak' }).points);
    expect(codec.decode(maps).points).toEqual(decodeHeatmaps(maps, { height: 32, width: 32, channels: 4, sigma: 1 }).points);
    expect(codec.decode(maps).points[0].value).not.toBe(peak.decode(maps).points[0].value);
  });

  it('scale calibrates each AU: clamp(f · mean of its points), from the card too', () => {
    const points = Float32Array.from([40, 50, 80, 50, 45, 90, 83, 91]);
    const { heatmaps } = codec.encode(points, Float32Array.from([2, 4]));
    const calibrated = createHeatmapCodec({ inputSize: 128, heatmapSize: 32, aus: [1, 12], scale: [1.5, 2] });
    const plain = codec.decode(heatmaps).intensities;
    const scaled = calibrated.decode(heatmaps).intensities;
    expect(scaled[0]).toBeCloseTo(1.5 * plain[0], 5); // 3
    expect(scaled[1]).toBe(5); // 2 · 4 = 8, clamped
    expect(calibrated.decodeBatch(new Float32Array([...heatmaps, ...heatmaps]), 2)[1].intensities).toEqual(scaled);
    const fromCard = codecFromCard({ aus: [1, 12], input: { size: 128 }, heatmap: { size: 32, sigma: 1, scale: [1.5, 2] } });
    expect(fromCard.settings.scale).toEqual([1.5, 2]);
    expect(Array.from(fromCard.decode(heatmaps).intensities)).toEqual(Array.from(scaled));
    expect(() => createHeatmapCodec({ inputSize: 128, heatmapSize: 32, aus: [1, 12], scale: [1] })).toThrow(/scale must be 2 positive numbers \(one per AU\), got \[1\]/);
    expect(() => createHeatmapCodec({ inputSize: 128, heatmapSize: 32, aus: [1], scale: [0] })).toThrow(/scale must be 1 positive numbers/);
  });

  it('names the bad field', () => {
    expect(() => createHeatmapCodec({ inputSize: 0, heatmapSize: 32, aus: [1] })).toThrow(/inputSize/);
    expect(() => createHeatmapCodec({ inputSize: 128, heatmapSize: 32, aus: [] })).toThrow(/aus/);
    expect(() => createHeatmapCodec({ inputSize: 128, heatmapSize: 32, aus: [1], sigma: -1 })).toThrow(/sigma/);
  });
});
