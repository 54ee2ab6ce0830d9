import { describe, expect, it } from 'vitest';
import { LANDMARK_SCHEMES, eyeCentres, geometryFeatures, interOcularDistance, landmarkScheme } from './landmark-schemes.js';
import { MEAN_FACE_IBUG68 } from './mean-face.js';
import { mirror, mulberry32, similarity } from './test-support.js';

const subset = (face: Float32Array, toIbug68: readonly number[]) => {
  const out = new Float32Array(toIbug68.length * 2);
  toIbug68.forEach((ibug, i) => {
    out[2 * i] = face[2 * ibug];
    out[2 * i + 1] = face[2 * ibug + 1];
  });
  return out;
};

describe('LANDMARK_SCHEMES', () => {
  it('drops the inner-mouth corners (DISFA-66) and also the jaw (BP4D-49)', () => {
    expect(LANDMARK_SCHEMES.ibug68.size).toBe(68);
    expect(LANDMARK_SCHEMES.disfa66.size).toBe(66);
    expect(LANDMARK_SCHEMES.bp4d49.size).toBe(49);
    expect(LANDMARK_SCHEMES.ibug68.toIbug68).toEqual(Array.from({ length: 68 }, (_, i) => i));
    const disfa = LANDMARK_SCHEMES.disfa66.toIbug68;
    expect(disfa.slice(58, 66)).toEqual([58, 59, 61, 62, 63, 65, 66, 67]);
    const bp4d = LANDMARK_SCHEMES.bp4d49.toIbug68;
    expect(bp4d[0]).toBe(17);
    expect(bp4d.slice(41)).toEqual([58, 59, 61, 62, 63, 65, 66, 67]);
  });

  it('places the subject’s left eye at iBUG 42–47 in every scheme', () => {
    for (const info of Object.values(LANDMARK_SCHEMES)) {
      expect(info.leftEye.map((i) => info.toIbug68[i])).toEqual([42, 43, 44, 45, 46, 47]);
      expect(info.rightEye.map((i) => info.toIbug68[i])).toEqual([36, 37, 38, 39, 40, 41]);
    }
    // On the (unmirrored, frontal) mean face the subject's left eye is on the image's right.
    const { left, right } = eyeCentres(MEAN_FACE_IBUG68);
    expect(left[0]).toBeGreaterThan(right[0]);
  });

  it('has flip permutations that are involutions and mirror a symmetric face onto itself', () => {
    for (const [name, info] of Object.entries(LANDMARK_SCHEMES)) {
      expect(info.flip.length, name).toBe(info.size);
      info.flip.forEach((j, i) => expect(info.flip[j], `${name} flip[flip[${i}]]`).toBe(i));
      const face = subset(MEAN_FACE_IBUG68, info.toIbug68);
      const mirrored = mirror(face, info.flip, 0.5);
      for (let n = 0; n < face.length; n++) expect(mirrored[n], `${name} value ${n}`).toBeCloseTo(face[n], 4);
    }
    // A few pairs written out: jaw ends, brow heads, eye corners, lip corners, midline points.
    const flip = LANDMARK_SCHEMES.ibug68.flip;
    expect([flip[0], flip[21], flip[36], flip[39], flip[48], flip[60], flip[8], flip[30], flip[62]]).toEqual([16, 22, 45, 42, 54, 64, 8, 30, 62]);
  });

  it('rejects unknown scheme names and wrong landmark counts, saying what is expected', () => {
    expect(() => landmarkScheme('ibug70' as never)).toThrow(/unknown landmark scheme "ibug70"; expected one of ibug68, disfa66, bp4d49/);
    expect(() => interOcularDistance(new Float32Array(66 * 2))).toThrow(/scheme 'ibug68' has N = 68 landmarks, so expected N×2 = 136 numbers .* got 66 points/);
    expect(() => geometryFeatures(new Float32Array(68 * 2), 'bp4d49')).toThrow(/N = 49/);
    expect(() => geometryFeatures([1, 2, 3] as never)).toThrow(/even length/);
  });
});

describe('interOcularDistance', () => {
  it('is the distance between the two eye-contour means', () => {
    const face = new Float32Array(68 * 2);
    for (let i = 36; i <= 41; i++) face.set([10 + (i - 36), 20], 2 * i); // right eye x 10..15 → mean 12.5
    for (let i = 42; i <= 47; i++) face.set([40 + (i - 42), 24], 2 * i); // left eye x 40..45 → mean 42.5
    expect(interOcularDistance(face)).toBeCloseTo(Math.hypot(42.5 - 12.5, 24 - 20), 5);
  });

  it('is the same in all three schemes for the same face, and scales with it', () => {
    const face = similarity(MEAN_FACE_IBUG68, 200, 0.3, 17, -4);
    const d = interOcularDistance(face);
    expect(interOcularDistance(subset(face, LANDMARK_SCHEMES.disfa66.toIbug68), 'disfa66')).toBeCloseTo(d, 3);
    expect(interOcularDistance(subset(face, LANDMARK_SCHEMES.bp4d49.toIbug68), 'bp4d49')).toBeCloseTo(d, 3);
    expect(d / interOcularDistance(MEAN_FACE_IBUG68)).toBeCloseTo(200, 2);
  });
});

describe('geometryFeatures', () => {
  it('centres on the landmark mean and divides by the inter-ocular distance (worked by hand)', () => {
    // All points at the origin except the six left-eye points (x = 4) and the chin (y = 6.8):
    // eye centres (0, 0) and (4, 0) → IOD 4; mean of the 68 points (6·4/68, 6.8/68).
    const face = new Float32Array(68 * 2);
    for (let i = 42; i <= 47; i++) face[2 * i] = 4;
    face[2 * 8 + 1] = 6.8; // chin
    const meanX = (6 * 4) / 68;
    const meanY = 6.8 / 68;
    const features = geometryFeatures(face);
    expect(features[2 * 8]).toBeCloseTo((0 - meanX) / 4, 6);
    expect(features[2 * 8 + 1]).toBeCloseTo((6.8 - meanY) / 4, 6);
    expect(features[2 * 42]).toBeCloseTo((4 - meanX) / 4, 6);
  });

  it('is invariant to translation and scale, and has zero mean', () => {
    const random = mulberry32(7);
    const face = MEAN_FACE_IBUG68.map((v) => v + (random() - 0.5) * 0.02);
    const reference = geometryFeatures(face);
    const moved = geometryFeatures(similarity(face, 321, 0, -50, 80));
    for (let n = 0; n < reference.length; n++) expect(moved[n]).toBeCloseTo(reference[n], 4);
    let sumX = 0;
    let sumY = 0;
    for (let n = 0; n < reference.length; n += 2) {
      sumX += reference[n];
      sumY += reference[n + 1];
    }
    expect(Math.abs(sumX) + Math.abs(sumY)).toBeLessThan(1e-4);
  });

  it('accepts [x, y][] as well as a flat array', () => {
    const pairs = Array.from({ length: 49 }, (_, i) => [i, (i * 7) % 13] as [number, number]);
    const flat = Float32Array.from(pairs.flat());
    expect(geometryFeatures(pairs, 'bp4d49')).toEqual(geometryFeatures(flat, 'bp4d49'));
  });

  it('refuses a face whose eyes coincide', () => {
    expect(() => geometryFeatures(new Float32Array(136))).toThrow(/inter-ocular distance is 0/);
  });
});
