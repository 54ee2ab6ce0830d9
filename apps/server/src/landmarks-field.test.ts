import { describe, expect, it } from 'vitest';
import { parseLandmarks } from './landmarks-field.js';

const CARD = {
  format: 'g2rl-model-card/1',
  aus: [1, 2, 4],
  scheme: 'ibug68',
  input: { size: 128, range: [0, 1] },
  heatmap: { size: 32, sigma: 1, normalization: 'peak' },
  alignment: { template: 'ibug68-mean', size: 128 },
};

describe('parseLandmarks', () => {
  const pairs = Array.from({ length: 68 }, (_, i) => [i, 2 * i]);
  it('takes [[x, y], …] or flat, for the card scheme', () => {
    expect(parseLandmarks(JSON.stringify(pairs), CARD)).toEqual(pairs.flat());
    expect(parseLandmarks(JSON.stringify(pairs.flat()), CARD)).toEqual(pairs.flat());
  });
  it.each([
    ['{"a": 1}', /must be a JSON array/],
    ['[1, 2', /not JSON/],
    [JSON.stringify(pairs.slice(0, 66)), /expected 68 landmarks .*'ibug68'.*got 66/],
    [JSON.stringify([[1, 2, 3], ...pairs.slice(1)]), /landmarks\[0\] must be \[x, y\]/],
    [JSON.stringify([...pairs.flat().slice(0, 135), 'x']), /coordinate 135 .* not a finite number/],
  ])('refuses %s with a reason', (text, message) => {
    expect(() => parseLandmarks(text, CARD)).toThrow(message);
  });
  it('expects 66 points for a DISFA-scheme model', () => {
    expect(() => parseLandmarks(JSON.stringify(pairs), { ...CARD, scheme: 'disfa66' })).toThrow(/expected 66 landmarks/);
  });
});
