import { describe, expect, it } from 'vitest';
import { DISFA_AUS } from './au-catalogue.js';
import { auPointFlip } from './au-point-rules.js';
import { auPoints } from './au-points.js';
import { encodeHeatmaps } from './gaussian-heatmap.js';
import { LANDMARK_SCHEMES } from './landmark-schemes.js';
import { MEAN_FACE_IBUG68 } from './mean-face.js';
import { mirrorPoints } from './mirror-points.js';
import { similarity } from './test-support.js';

describe('mirrorPoints', () => {
  it('maps column j to width − 1 − j and reorders by the permutation', () => {
    expect(Array.from(mirrorPoints([[0, 5], [9, 7], [4.5, 1]], 10))).toEqual([9, 5, 0, 7, 4.5, 1]);
    expect(Array.from(mirrorPoints([0, 5, 9, 7], 10, [1, 0]))).toEqual([0, 7, 9, 5]);
  });

  it('flips an encoded heatmap exactly like flipping its columns (pixel-centre convention)', () => {
    const options = { height: 6, width: 9, sigma: 1.2 };
    const points = [2.3, 1.5, 6, 4];
    const original = encodeHeatmaps(points, [2], options).heatmaps;
    const flipped = encodeHeatmaps(mirrorPoints(points, 9), [2], options).heatmaps;
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 9; j++) {
        for (let k = 0; k < 2; k++) expect(flipped[(i * 9 + j) * 2 + k]).toBeCloseTo(original[(i * 9 + (8 - j)) * 2 + k], 6);
      }
    }
  });

  it('commutes with auPoints: landmarks flipped with the scheme give AU points flipped with auPointFlip', () => {
    const face = similarity(MEAN_FACE_IBUG68, 180, 0.2, 30, 40);
    const fromMirrored = auPoints(mirrorPoints(face, 256, LANDMARK_SCHEMES.ibug68.flip), DISFA_AUS);
    const mirrored = mirrorPoints(auPoints(face, DISFA_AUS), 256, auPointFlip(DISFA_AUS));
    for (let n = 0; n < mirrored.length; n++) expect(fromMirrored[n]).toBeCloseTo(mirrored[n], 3);
  });

  it('rejects a permutation of the wrong size or with a bad index', () => {
    expect(() => mirrorPoints([1, 2, 3, 4], 10, [0])).toThrow(/mirrorPoints\(permutation\): expected N = 2 entries/);
    expect(() => mirrorPoints([1, 2, 3, 4], 10, [0, 2])).toThrow(/permutation\[1\] = 2 is not a point index in \[0, 1\]/);
    expect(() => mirrorPoints([1, 2], 0)).toThrow(/mirrorPoints\(width\) must be a positive integer/);
  });
});
