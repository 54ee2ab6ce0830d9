import { describe, expect, it } from 'vitest';
import { AU_CATALOGUE, BP4D_AUS, DISFA_AUS } from './au-catalogue.js';
import { AU_POINT_RULES, IBUG68_SUBSTITUTES, auPointFlip, auPointRules } from './au-point-rules.js';
import { auPoints } from './au-points.js';
import { LANDMARK_SCHEMES, interOcularDistance, type LandmarkScheme } from './landmark-schemes.js';
import { MEAN_FACE_IBUG68 } from './mean-face.js';
import { mirror, mulberry32, similarity } from './test-support.js';

const ALL_AUS = AU_CATALOGUE.map((info) => info.au);
const FLIP68 = LANDMARK_SCHEMES.ibug68.flip;

/**
 * How far outside the convex hull of the 68 landmarks an AU point may lie, in
 * inter-ocular distances. The forehead (AU 1, 2) lies above the brows, the hull's top
 * edge, by 0.15 IOD; 0.2 IOD leaves room for a jittered face.
 */
const HULL_MARGIN_IOD = 0.2;

/** A plausible face: the mean face with seeded jitter, turned, scaled and moved. */
function randomFace(seed: number): Float32Array {
  const random = mulberry32(seed);
  const jittered = MEAN_FACE_IBUG68.map((v) => v + (random() - 0.5) * 0.03);
  return similarity(jittered, 150 + random() * 200, (random() - 0.5) * 0.8, random() * 100, random() * 100);
}

function subset(face: Float32Array, scheme: LandmarkScheme): Float32Array {
  const map = LANDMARK_SCHEMES[scheme].toIbug68;
  const out = new Float32Array(map.length * 2);
  map.forEach((ibug, i) => out.set([face[2 * ibug], face[2 * ibug + 1]], 2 * i));
  return out;
}

/** Convex hull (Andrew's monotone chain), counter-clockwise in a y-up sense. */
function convexHull(points: Float32Array): [number, number][] {
  const pts: [number, number][] = [];
  for (let n = 0; n < points.length; n += 2) pts.push([points[n], points[n + 1]]);
  pts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: number[], a: number[], b: number[]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (list: [number, number][]) => {
    const hull: [number, number][] = [];
    for (const p of list) {
      while (hull.length >= 2 && cross(hull[hull.length - 2], hull[hull.length - 1], p) <= 0) hull.pop();
      hull.push(p);
    }
    hull.pop();
    return hull;
  };
  return [...half(pts), ...half([...pts].reverse())];
}

/** Distance from p to the hull polygon: 0 inside, else the distance to the nearest edge. */
function distanceOutside(hull: [number, number][], x: number, y: number): number {
  let inside = true;
  let nearest = Infinity;
  for (let e = 0; e < hull.length; e++) {
    const [ax, ay] = hull[e];
    const [bx, by] = hull[(e + 1) % hull.length];
    if ((bx - ax) * (y - ay) - (by - ay) * (x - ax) < 0) inside = false;
    const t = Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)));
    nearest = Math.min(nearest, Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay))));
  }
  return inside ? 0 : nearest;
}

describe('AU_POINT_RULES (data)', () => {
  it('has valid iBUG-68 indices and weights that sum to 1 (so points move with the face)', () => {
    for (const row of AU_POINT_RULES) {
      for (const rule of row.points) {
        let sum = 0;
        for (const [index, weight] of rule.landmarks) {
          expect(Number.isInteger(index) && index >= 0 && index < 68, `AU ${row.au} index ${index}`).toBe(true);
          sum += weight;
        }
        expect(sum, `AU ${row.au}`).toBeCloseTo(1, 10);
      }
    }
  });

  it('is left/right symmetric: a mirror row’s second point is its first point mirrored', () => {
    const key = (pairs: readonly (readonly [number, number])[]) =>
      [...pairs].map(([i, w]) => `${i}:${w}`).sort().join(' ');
    for (const row of AU_POINT_RULES) {
      const [first, second] = row.points;
      const mirroredFirst = first.landmarks.map(([i, w]) => [FLIP68[i], w] as const);
      if (row.pairing === 'mirror') {
        expect(key(second.landmarks), `AU ${row.au}`).toBe(key(mirroredFirst));
        expect([second.offset[0], second.offset[1]], `AU ${row.au}`).toEqual([0 - first.offset[0], first.offset[1]]);
      } else {
        for (const rule of row.points) {
          expect(key(rule.landmarks.map(([i, w]) => [FLIP68[i], w] as const)), `AU ${row.au}`).toBe(key(rule.landmarks));
          expect(rule.offset[0], `AU ${row.au}`).toBe(0);
        }
      }
    }
  });

  it('has a flip-symmetric substitute table for the landmarks DISFA-66 / BP4D-49 lack', () => {
    for (const [missing, substitute] of Object.entries(IBUG68_SUBSTITUTES)) {
      expect(IBUG68_SUBSTITUTES[FLIP68[Number(missing)]]).toBe(FLIP68[substitute]);
      expect(LANDMARK_SCHEMES.bp4d49.toIbug68).toContain(substitute);
    }
  });
});

describe('auPoints', () => {
  it('places points by hand-checkable rules on an upright face', () => {
    const face = similarity(MEAN_FACE_IBUG68, 200, 0, 10, 20);
    const iod = interOcularDistance(face);
    const points = auPoints(face, [12, 1, 4, 25]);
    const landmark = (i: number) => [face[2 * i], face[2 * i + 1]];
    // AU 12: the lip corners 48 (subject's right) and 54.
    expect([points[0], points[1]]).toEqual(landmark(48));
    expect([points[2], points[3]]).toEqual(landmark(54));
    // AU 1: 0.15 IOD above brow head 21 (the eye axis is horizontal here, y points down).
    expect(points[4]).toBeCloseTo(landmark(21)[0], 4);
    expect(points[5]).toBeCloseTo(landmark(21)[1] - 0.15 * iod, 4);
    // AU 4: brow head 22 moved 0.1 IOD towards the midline (−x) and 0.05 IOD down.
    expect(points[10]).toBeCloseTo(landmark(22)[0] - 0.1 * iod, 4);
    expect(points[11]).toBeCloseTo(landmark(22)[1] + 0.05 * iod, 4);
    // AU 25: inner upper lip 62 then inner lower lip 66.
    expect([points[12], points[13], points[14], points[15]]).toEqual([...landmark(62), ...landmark(66)]);
  });

  it('turns the offsets with the face: 90° rotation sends "up" to +x', () => {
    // Rotating by +90° (x, y) → (−y, x): the eye axis becomes +y and "towards the chin" −x.
    const face = similarity(MEAN_FACE_IBUG68, 100, Math.PI / 2, 0, 0);
    const iod = interOcularDistance(face);
    const [x, y] = auPoints(face, [1]);
    expect(x).toBeCloseTo(face[2 * 21] + 0.15 * iod, 4);
    expect(y).toBeCloseTo(face[2 * 21 + 1], 4);
  });

  it('is covariant with rotation, scale and translation', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const face = randomFace(seed);
      const [scale, angle, tx, ty] = [0.5 + seed * 0.3, seed - 2.5, 40 * seed, -25];
      const moved = auPoints(similarity(face, scale, angle, tx, ty), ALL_AUS);
      const expected = similarity(auPoints(face, ALL_AUS), scale, angle, tx, ty);
      // Coordinates reach ~10³ px: float32 rounding is ~1e-4 px there.
      for (let n = 0; n < moved.length; n++) expect(Math.abs(moved[n] - expected[n])).toBeLessThan(2e-3);
    }
  });

  it('mirrors with the face: points of the mirrored face = mirrored points, channels permuted by auPointFlip', () => {
    for (const scheme of ['ibug68', 'disfa66', 'bp4d49'] as const) {
      for (let seed = 11; seed <= 14; seed++) {
        const face = subset(randomFace(seed), scheme);
        const mirroredFace = mirror(face, LANDMARK_SCHEMES[scheme].flip, 300);
        const ofMirrored = auPoints(mirroredFace, ALL_AUS, scheme);
        const mirroredPoints = mirror(auPoints(face, ALL_AUS, scheme), auPointFlip(ALL_AUS), 300);
        for (let n = 0; n < ofMirrored.length; n++) expect(ofMirrored[n], `${scheme} seed ${seed} value ${n}`).toBeCloseTo(mirroredPoints[n], 2);
      }
    }
  });

  it(`keeps every point within ${HULL_MARGIN_IOD} IOD of the landmarks' convex hull`, () => {
    const faces = [MEAN_FACE_IBUG68, ...[21, 22, 23, 24, 25, 26].map(randomFace)];
    for (const face of faces) {
      const hull = convexHull(face);
      const iod = interOcularDistance(face);
      for (const scheme of ['ibug68', 'bp4d49'] as const) {
        const points = auPoints(subset(face, scheme), ALL_AUS, scheme);
        for (let k = 0; k < points.length / 2; k++) {
          const outside = distanceOutside(hull, points[2 * k], points[2 * k + 1]) / iod;
          expect(outside, `${scheme} AU ${ALL_AUS[k >> 1]} point ${k % 2}`).toBeLessThanOrEqual(HULL_MARGIN_IOD);
        }
      }
    }
    // The margin is needed: the forehead points really are above the hull.
    const hull = convexHull(MEAN_FACE_IBUG68);
    const [x, y] = auPoints(MEAN_FACE_IBUG68, [1]);
    expect(distanceOutside(hull, x, y)).toBeGreaterThan(0);
  });

  it('gives the same points from DISFA-66 landmarks as from the iBUG-68 face', () => {
    const face = randomFace(31);
    const expected = auPoints(face, ALL_AUS);
    const fromDisfa = auPoints(subset(face, 'disfa66'), ALL_AUS, 'disfa66');
    for (let n = 0; n < expected.length; n++) expect(fromDisfa[n]).toBeCloseTo(expected[n], 3);
  });

  it('gives the same points from BP4D-49 landmarks on the mean face (any pose), close ones on others', () => {
    const posed = similarity(MEAN_FACE_IBUG68, 250, 0.4, 30, 60);
    const expected = auPoints(posed, ALL_AUS);
    const fromBp4d = auPoints(subset(posed, 'bp4d49'), ALL_AUS, 'bp4d49');
    for (let n = 0; n < expected.length; n++) expect(fromBp4d[n]).toBeCloseTo(expected[n], 2);
    // On a jittered face only the jaw-based AUs (17, 26) differ, by a fraction of the IOD.
    const face = randomFace(32);
    const iod = interOcularDistance(face);
    const full = auPoints(face, ALL_AUS);
    const derived = auPoints(subset(face, 'bp4d49'), ALL_AUS, 'bp4d49');
    ALL_AUS.forEach((au, a) => {
      for (let p = 0; p < 2; p++) {
        const k = 2 * a + p;
        const gap = Math.hypot(full[2 * k] - derived[2 * k], full[2 * k + 1] - derived[2 * k + 1]) / iod;
        if (au === 17 || au === 26) expect(gap, `AU ${au}`).toBeLessThan(0.1);
        else expect(gap, `AU ${au}`).toBeLessThan(1e-4);
      }
    });
  });

  it('derives BP4D-49 rules that use no jaw landmark', () => {
    for (const row of auPointRules('bp4d49').values()) {
      for (const rule of row.points) {
        for (const [index] of rule.landmarks) expect(index).toBeLessThan(49);
      }
    }
  });

  it('lays out K = 2A channels in the order of aus', () => {
    const face = randomFace(41);
    const both = auPoints(face, [6, 12]);
    const single12 = auPoints(face, [12]);
    expect(both.length).toBe(8);
    expect(Array.from(both.subarray(4))).toEqual(Array.from(single12));
  });

  it('rejects unknown AUs and wrong landmark counts', () => {
    expect(() => auPoints(MEAN_FACE_IBUG68, [1, 3])).toThrow(/auPoints\(aus\): aus\[1\] = 3 is not a known Action Unit/);
    expect(() => auPoints(MEAN_FACE_IBUG68, DISFA_AUS, 'disfa66')).toThrow(/scheme 'disfa66' has N = 66 landmarks/);
  });
});

describe('auPointFlip', () => {
  it('swaps the two channels of mirror AUs and keeps midline AUs (DISFA: AU 25 is midline)', () => {
    expect(auPointFlip(DISFA_AUS)).toEqual([1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14, 17, 16, 19, 18, 20, 21, 23, 22]);
    expect(auPointFlip(BP4D_AUS)).toEqual([1, 0, 3, 2, 5, 4, 7, 6, 9, 8]);
    expect(auPointFlip([24, 25])).toEqual([0, 1, 2, 3]);
  });

  it('is an involution', () => {
    const perm = auPointFlip(ALL_AUS);
    perm.forEach((j, k) => expect(perm[j]).toBe(k));
  });
});
