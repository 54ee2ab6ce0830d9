import { describe, expect, it } from 'vitest';
import { applyAffine, composeAffine, invertAffine, similarityAbout, similarityTransform, type Affine } from './affine.js';

function closeAffine(actual: Affine, expected: Affine, digits = 9) {
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], digits));
}

describe('similarityTransform', () => {
  it('recovers an exact rotation + scale + shift', () => {
    // s = 2, θ = 30°, t = (5, −3): x' = 2(cos·x − sin·y) + 5, y' = 2(sin·x + cos·y) − 3
    const c = 2 * Math.cos(Math.PI / 6);
    const s = 2 * Math.sin(Math.PI / 6);
    const expected: Affine = [c, -s, 5, s, c, -3];
    const src = [[0, 0], [10, 0], [0, 10], [7, 3]] as [number, number][];
    const dst = src.map(([x, y]) => [c * x - s * y + 5, s * x + c * y - 3] as [number, number]);
    closeAffine(similarityTransform(src, dst), expected);
  });

  it('gives the hand-computed least-squares fit for noisy points', () => {
    // src = (−1,0), (1,0); dst = (0,−1), (0,1.2) → centred p = (∓1, 0), q = (0, ∓1.1):
    // a = Σp·q/Σ|p|² = 0, b = Σp×q/Σ|p|² = (1.1 + 1.1)/2 = 1.1, t = μ_dst = (0, 0.1)
    closeAffine(similarityTransform([-1, 0, 1, 0], [0, -1, 0, 1.2]), [0, -1.1, 0, 1.1, 0, 0.1]);
    // A square with one corner pushed out: the fit spreads the error over all points.
    // Independent arithmetic: centred p, q; a = Σp·q / Σ|p|², b = Σp×q / Σ|p|².
    const square = [0, 0, 1, 0, 1, 1, 0, 1];
    const noisy = [0, 0, 1, 0, 1.2, 1.2, 0, 1];
    const mq = [(0 + 1 + 1.2 + 0) / 4, (0 + 0 + 1.2 + 1) / 4];
    let dot = 0;
    let cross = 0;
    let norm = 0;
    for (let i = 0; i < 4; i++) {
      const px = square[2 * i] - 0.5;
      const py = square[2 * i + 1] - 0.5;
      const qx = noisy[2 * i] - mq[0];
      const qy = noisy[2 * i + 1] - mq[1];
      dot += px * qx + py * qy;
      cross += px * qy - py * qx;
      norm += px * px + py * py;
    }
    const fit = similarityTransform(square, noisy);
    expect(fit[0]).toBeCloseTo(dot / norm, 9); // = 1.1 by hand: Σp·q = 2.2, Σ|p|² = 2
    expect(fit[0]).toBeCloseTo(1.1, 9);
    expect(fit[2]).toBeCloseTo(mq[0] - 1.1 * 0.5, 9);
    expect(fit[3]).toBeCloseTo(0, 9); // symmetric noise along the diagonal: no rotation
  });

  it('honours weights: a zero weight removes a point', () => {
    const src = [0, 0, 1, 0, 0, 1, 5, 5];
    const dst = [1, 1, 3, 1, 1, 3, -40, 7]; // the last pair is an outlier
    closeAffine(similarityTransform(src, dst, [1, 1, 1, 0]), [2, 0, 1, 0, 2, 1]);
  });

  it('rejects bad input with a clear message', () => {
    expect(() => similarityTransform([0, 0, 1, 1], [0, 0])).toThrow(/src has 2 points but dst has 1/);
    expect(() => similarityTransform([1, 1, 1, 1], [0, 0, 1, 1])).toThrow(/coincide/);
    expect(() => similarityTransform([0, 0, 1, NaN], [0, 0, 1, 1])).toThrow(/point 1 has a non-finite y/);
    expect(() => similarityTransform([0, 0, 1, 0], [0, 0, 1, 1], [1, -1])).toThrow(/weights\[1\]/);
  });
});

describe('invertAffine / applyAffine / composeAffine', () => {
  it('round-trips points through a map and its inverse', () => {
    const m: Affine = [1.5, -0.4, 12, 0.3, 0.9, -7];
    const points = Float32Array.from([3, 4, -10, 2.5, 100, 50]);
    const back = applyAffine(invertAffine(m), applyAffine(m, points));
    back.forEach((v, i) => expect(v).toBeCloseTo(points[i], 4));
    closeAffine(composeAffine(m, invertAffine(m)), [1, 0, 0, 0, 1, 0]);
  });

  it('applies a hand case', () => {
    expect(Array.from(applyAffine([2, 0, 1, 0, 3, -1], [[1, 1], [0, 2]]))).toEqual([3, 2, 1, 5]);
  });

  it('refuses a singular matrix', () => {
    expect(() => invertAffine([1, 2, 0, 2, 4, 0])).toThrow(/singular/);
  });

  it('similarityAbout keeps its centre fixed and scales distances', () => {
    const m = similarityAbout(10, 20, 2, 0.3);
    const [cx, cy, px, py] = applyAffine(m, [10, 20, 11, 20]);
    expect(cx).toBeCloseTo(10, 5);
    expect(cy).toBeCloseTo(20, 5);
    expect(Math.hypot(px - cx, py - cy)).toBeCloseTo(2, 5);
    expect(Math.atan2(py - cy, px - cx)).toBeCloseTo(0.3, 5);
  });
});
