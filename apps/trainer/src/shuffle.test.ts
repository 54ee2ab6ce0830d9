import { describe, expect, it } from 'vitest';
import { seededPermutation } from './shuffle.js';

describe('seededPermutation', () => {
  it('is a permutation, the same for the same seed', () => {
    const p = seededPermutation(100, 5);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(seededPermutation(100, 5))).toEqual(Array.from(p));
    expect(Array.from(seededPermutation(100, 6))).not.toEqual(Array.from(p));
  });
});
