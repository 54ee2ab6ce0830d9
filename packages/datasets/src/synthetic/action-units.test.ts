import { describe, expect, it } from 'vitest';
import { SYNTHETIC_AUS, actionUnitField, applyActionUnits } from './action-units.js';
import { canonicalNeutralShape, MIRROR_IBUG68 } from './mean-shape.js';

const neutral = canonicalNeutralShape();
/** Landmarks with only `au` at `level`. */
const withAu = (au: number, level: number): Float32Array =>
  applyActionUnits(neutral, SYNTHETIC_AUS.map((a) => (a === au ? level : 0)));
const X = (p: Float32Array, i: number): number => p[2 * i];
const Y = (p: Float32Array, i: number): number => p[2 * i + 1];
const dist = (p: Float32Array, i: number, j: number): number => Math.hypot(X(p, i) - X(p, j), Y(p, i) - Y(p, j));
/** A measurement at intensities 0, 2.5 and 5. */
const at = (au: number, measure: (p: Float32Array) => number): [number, number, number] => [
  measure(withAu(au, 0)),
  measure(withAu(au, 2.5)),
  measure(withAu(au, 5)),
];
/** Strictly increasing in intensity (by at least `minStep` per step). */
const expectIncreasing = ([a, b, c]: number[], minStep = 1e-3): void => {
  expect(b - a).toBeGreaterThan(minStep);
  expect(c - b).toBeGreaterThan(minStep);
};

describe('applyActionUnits: each AU moves the landmarks FACS says, the right way', () => {
  it('AU1 raises the inner brows (inner brow–eye distance grows more than the outer one)', () => {
    const inner = at(1, (p) => Y(p, 39) - Y(p, 21));
    const outer = at(1, (p) => Y(p, 36) - Y(p, 17));
    expectIncreasing(inner);
    expect(inner[2] - inner[0]).toBeGreaterThan(2 * (outer[2] - outer[0]));
  });

  it('AU2 raises the outer brows more than the inner ones', () => {
    const inner = at(2, (p) => Y(p, 39) - Y(p, 21));
    const outer = at(2, (p) => Y(p, 36) - Y(p, 17));
    expectIncreasing(outer);
    expect(outer[2] - outer[0]).toBeGreaterThan(2 * (inner[2] - inner[0]));
  });

  it('AU4 lowers the brows and draws them together', () => {
    expectIncreasing(at(4, (p) => Y(p, 21) + Y(p, 22)));
    expectIncreasing(at(4, (p) => -dist(p, 21, 22)));
  });

  it('AU5 widens the eyes (upper lid up)', () => {
    expectIncreasing(at(5, (p) => Y(p, 41) - Y(p, 37) + Y(p, 46) - Y(p, 44)));
    expectIncreasing(at(5, (p) => -Y(p, 37)));
  });

  it('AU6 narrows the eyes from below and raises the cheeks', () => {
    expectIncreasing(at(6, (p) => -(Y(p, 41) + Y(p, 46))));
    expectIncreasing(at(6, (p) => -(Y(p, 1) + Y(p, 15))));
    const upperLid = at(6, (p) => Y(p, 37));
    expect(upperLid[2]).toBeCloseTo(upperLid[0], 6);
  });

  it('AU9 raises the nose wings and the upper lip', () => {
    expectIncreasing(at(9, (p) => -(Y(p, 31) + Y(p, 35))));
    expectIncreasing(at(9, (p) => -Y(p, 51)));
  });

  it('AU12 pulls the lip corners up and out', () => {
    expectIncreasing(at(12, (p) => -(Y(p, 48) + Y(p, 54))));
    expectIncreasing(at(12, (p) => dist(p, 48, 54)));
  });

  it('AU15 pulls the lip corners down', () => {
    expectIncreasing(at(15, (p) => Y(p, 48) + Y(p, 54)));
  });

  it('AU17 pushes the chin boss and the lower lip up', () => {
    expectIncreasing(at(17, (p) => -Y(p, 8)));
    expectIncreasing(at(17, (p) => -Y(p, 57)));
  });

  it('AU20 stretches the lips horizontally without raising the corners', () => {
    expectIncreasing(at(20, (p) => dist(p, 48, 54)));
    const cornerY = at(20, (p) => Y(p, 48));
    expect(cornerY[2]).toBeGreaterThanOrEqual(cornerY[0]);
  });

  it('AU25 parts the lips but leaves the jaw', () => {
    expectIncreasing(at(25, (p) => Y(p, 66) - Y(p, 62)));
    const chin = at(25, (p) => Y(p, 8));
    expect(chin[2]).toBeCloseTo(chin[0], 6);
  });

  it('AU26 drops the jaw: nose-to-chin distance grows', () => {
    expectIncreasing(at(26, (p) => dist(p, 33, 8)), 0.02);
    expectIncreasing(at(26, (p) => Y(p, 66) - Y(p, 62)));
  });
});

describe('applyActionUnits: linearity, symmetry, limits, errors', () => {
  it('is exactly linear in intensity when no limit applies', () => {
    for (const au of [1, 2, 4, 9, 12, 20, 26]) {
      const d1 = withAu(au, 1);
      const d4 = withAu(au, 4);
      for (let k = 0; k < neutral.length; k++) expect(d4[k] - neutral[k]).toBeCloseTo(4 * (d1[k] - neutral[k]), 5);
    }
  });

  it('leaves a neutral face unchanged at all-zero intensities', () => {
    expect(Array.from(applyActionUnits(neutral, new Array(12).fill(0)))).toEqual(Array.from(neutral));
  });

  it('moves the two sides as mirror images of each other', () => {
    for (const au of SYNTHETIC_AUS) {
      const field = actionUnitField(au);
      for (let i = 0; i < 68; i++) {
        const j = MIRROR_IBUG68[i];
        expect(field[2 * i]).toBeCloseTo(-field[2 * j], 7);
        expect(field[2 * i + 1]).toBeCloseTo(field[2 * j + 1], 7);
      }
    }
  });

  it('keeps the lower lid below the upper lid and the lower lip at or below the upper lip', () => {
    const squint = applyActionUnits(neutral, SYNTHETIC_AUS.map((a) => (a === 6 || a === 9 || a === 4 ? 5 : 0)));
    for (const [upper, lower] of [[37, 41], [38, 40], [43, 47], [44, 46]]) expect(Y(squint, lower)).toBeGreaterThan(Y(squint, upper));
    const chinUp = withAu(17, 5);
    for (const [upper, lower] of [[61, 67], [62, 66], [63, 65]]) expect(Y(chinUp, lower)).toBeGreaterThanOrEqual(Y(chinUp, upper));
  });

  it('rejects wrong lengths, out-of-range intensities and unknown AUs with the field named', () => {
    expect(() => applyActionUnits(neutral, [1, 2])).toThrow(/12 values/);
    expect(() => applyActionUnits(neutral.subarray(0, 10), new Array(12).fill(0))).toThrow(/136 numbers/);
    expect(() => applyActionUnits(neutral, SYNTHETIC_AUS.map((a) => (a === 12 ? 6 : 0)))).toThrow(/AU12 .*\[0, 5\], got 6/);
    expect(() => applyActionUnits(neutral, SYNTHETIC_AUS.map((a) => (a === 1 ? Number.NaN : 0)))).toThrow(/AU1 /);
    expect(() => actionUnitField(10)).toThrow(/AU 10 is not synthesised/);
  });
});
