import { describe, expect, it } from 'vitest';
import { defaultSigma, heatmapToImage, imageToHeatmap } from './coordinates.js';

describe('defaultSigma', () => {
  it('is 2 heatmap pixels at H = 64 and scales with H', () => {
    expect(defaultSigma(64)).toBe(2);
    expect(defaultSigma(32)).toBe(1);
    expect(defaultSigma(128)).toBe(4);
    expect(defaultSigma(56)).toBeCloseTo((2 * 56) / 64, 12);
  });

  it('rejects a non-positive size', () => {
    expect(() => defaultSigma(0)).toThrow(/defaultSigma\(height\) must be a finite number > 0, got 0/);
  });
});

describe('imageToHeatmap / heatmapToImage', () => {
  it('matches pixel edges: S = 256 → H = 64 maps x to (x + 0.5)/4 − 0.5', () => {
    const mapped = imageToHeatmap([-0.5, 255.5, 1.5, 0, 127.5, 100], 256, 64);
    // Left edge stays the left edge, right edge the right edge, the centre of the first
    // 4×4 block (1.5) lands on heatmap pixel 0, image pixel 0 sits 3/8 px left of it.
    expect(Array.from(mapped)).toEqual([-0.5, 63.5, 0, (0 + 0.5) / 4 - 0.5, 31.5, (100 + 0.5) / 4 - 0.5]);
  });

  it('are inverses of each other', () => {
    const points = Float32Array.from([3.25, 17.5, 200, 0.1, 255, 255]);
    const back = heatmapToImage(imageToHeatmap(points, 256, 64), 64, 256);
    for (let n = 0; n < points.length; n++) expect(back[n]).toBeCloseTo(points[n], 4);
  });

  it('accepts [x, y][] and returns flat N×2', () => {
    expect(Array.from(imageToHeatmap([[1.5, 5.5]], 256, 64))).toEqual([0, 1]);
  });

  it('names the bad size', () => {
    expect(() => imageToHeatmap([0, 0], 256.5, 64)).toThrow(/imageToHeatmap\(inputSize S\) must be a positive integer, got 256.5/);
    expect(() => heatmapToImage([0, 0], 0, 256)).toThrow(/heatmapToImage\(heatmapSize H\) must be a positive integer/);
    expect(() => imageToHeatmap([0, 0, 1], 256, 64)).toThrow(/imageToHeatmap\(points\): flat points need an even length/);
  });
});
