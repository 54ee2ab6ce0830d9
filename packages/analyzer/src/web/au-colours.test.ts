import { describe, expect, it } from 'vitest';
import { auColour } from './au-colours.js';

describe('auColour', () => {
  it('gives distinct hues to the 12 AUs, by golden-angle steps', () => {
    const hues = Array.from({ length: 12 }, (_, i) => Number(/hsla\((\d+),/.exec(auColour(i))![1]));
    expect(hues.slice(0, 3)).toEqual([0, 138, 275]); // 0, 137.5, 275.0
    expect(new Set(hues).size).toBe(12);
    expect(auColour(1, 0.5)).toBe('hsla(138, 85%, 55%, 0.5)');
  });
});
