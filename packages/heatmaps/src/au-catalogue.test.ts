import { describe, expect, it } from 'vitest';
import { AU_CATALOGUE, BP4D_AUS, DISFA_AUS, assertKnownAus, auInfo } from './au-catalogue.js';
import { AU_POINT_RULES } from './au-point-rules.js';

describe('AU catalogue', () => {
  it('lists DISFA’s 12 and BP4D’s 5 AUs in their published order', () => {
    expect(DISFA_AUS).toEqual([1, 2, 4, 5, 6, 9, 12, 15, 17, 20, 25, 26]);
    expect(BP4D_AUS).toEqual([6, 10, 12, 14, 17]);
    for (const au of [...DISFA_AUS, ...BP4D_AUS, 7, 23, 24]) expect(auInfo(au).au).toBe(au);
  });

  it('has one entry per AU, in FACS order, each with a name and a description', () => {
    const numbers = AU_CATALOGUE.map((info) => info.au);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect([...numbers].sort((a, b) => a - b)).toEqual(numbers);
    for (const info of AU_CATALOGUE) {
      expect(info.name.length).toBeGreaterThan(3);
      expect(info.description.length).toBeGreaterThan(10);
    }
  });

  it('is frozen, so nobody changes the shared AU order in place', () => {
    expect(() => (DISFA_AUS as number[]).push(27)).toThrow(TypeError);
    expect(Object.isFrozen(AU_CATALOGUE[0])).toBe(true);
  });

  it('knows the FACS names of the common AUs', () => {
    expect(auInfo(12).name).toBe('Lip Corner Puller');
    expect(auInfo(4).name).toBe('Brow Lowerer');
    expect(auInfo(26).name).toBe('Jaw Drop');
  });

  it('gives every catalogued AU a point rule, and no rule without an entry', () => {
    expect(AU_POINT_RULES.map((row) => row.au)).toEqual(AU_CATALOGUE.map((info) => info.au));
  });

  it('names the unknown AU and the known ones', () => {
    expect(() => auInfo(3)).toThrow(/unknown Action Unit 3; known AUs are 1, 2, 4/);
  });

  it('rejects empty, unknown and repeated AU lists, naming the position', () => {
    expect(() => assertKnownAus([], 'f(aus)')).toThrow(/f\(aus\): aus must be a non-empty array/);
    expect(() => assertKnownAus([1, 99], 'f(aus)')).toThrow(/aus\[1\] = 99 is not a known Action Unit/);
    expect(() => assertKnownAus([1, 2, 1], 'f(aus)')).toThrow(/aus\[2\] = 1 appears twice/);
  });
});
