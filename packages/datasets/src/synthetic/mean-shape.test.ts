import { describe, expect, it } from 'vitest';
import { IBUG68_SIZE, MIRROR_IBUG68, canonicalNeutralShape } from './mean-shape.js';

const shape = canonicalNeutralShape();
const x = (i: number): number => shape[2 * i];
const y = (i: number): number => shape[2 * i + 1];
const meanY = (idx: number[]): number => idx.reduce((s, i) => s + y(i), 0) / idx.length;

describe('canonicalNeutralShape', () => {
  it('has 68 points, mirror-symmetric about x = 0', () => {
    expect(shape.length).toBe(IBUG68_SIZE * 2);
    for (let i = 0; i < IBUG68_SIZE; i++) {
      const j = MIRROR_IBUG68[i];
      expect(x(i)).toBeCloseTo(-x(j), 6);
      expect(y(i)).toBeCloseTo(y(j), 6);
    }
  });

  it('mirror permutation is an involution that swaps sides (36↔45, 0↔16, 48↔54) and fixes the midline', () => {
    for (let i = 0; i < IBUG68_SIZE; i++) expect(MIRROR_IBUG68[MIRROR_IBUG68[i]]).toBe(i);
    expect(MIRROR_IBUG68[36]).toBe(45);
    expect(MIRROR_IBUG68[0]).toBe(16);
    expect(MIRROR_IBUG68[48]).toBe(54);
    for (const i of [8, 27, 28, 29, 30, 33, 51, 57, 62, 66]) expect(MIRROR_IBUG68[i]).toBe(i);
  });

  it('follows iBUG semantics: index 36 (subject right eye, outer) and 0 at image left', () => {
    expect(x(36)).toBeLessThan(x(39));
    expect(x(39)).toBeLessThan(x(42));
    expect(x(42)).toBeLessThan(x(45));
    expect(x(0)).toBeLessThan(0);
    expect(x(17)).toBeLessThan(x(21));
    expect(x(48)).toBeLessThan(x(54));
  });

  it('stacks the features top to bottom: brows, eyes, nose base, mouth, chin', () => {
    const brows = meanY([17, 18, 19, 20, 21]);
    const eyes = meanY([36, 37, 38, 39, 40, 41]);
    const nose = meanY([31, 32, 33, 34, 35]);
    const mouth = meanY([48, 51, 54, 57]);
    expect(brows).toBeLessThan(eyes);
    expect(eyes).toBeLessThan(nose);
    expect(nose).toBeLessThan(mouth);
    expect(mouth).toBeLessThan(y(8));
  });

  it('has closed lips: the inner upper and lower lip points coincide', () => {
    for (const [upper, lower] of [[61, 67], [62, 66], [63, 65]]) {
      expect(x(lower)).toBeCloseTo(x(upper), 6);
      expect(y(lower)).toBeCloseTo(y(upper), 6);
    }
  });
});
