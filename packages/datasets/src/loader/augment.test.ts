import { applyAffine, alignmentTemplate, warpAffine } from '@g2rl/face';
import { auPointFlip, auPoints, DISFA_AUS, LANDMARK_SCHEMES } from '@g2rl/heatmaps';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '@g2rl/common';
import { augmentationAffine, augmentLandmarks, drawAugmentation, NO_AUGMENTATION, toUnitFloat, type Augmentation } from './augment.js';

const S = 64;
const aus = [...DISFA_AUS];

describe('augmentation', () => {
  it('flip commutes with AU points: points of the flipped face = mirrored, channel-permuted points', () => {
    for (const scheme of ['ibug68', 'disfa66', 'bp4d49'] as const) {
      // an asymmetric face: the template with the subject's right brow raised
      const face = alignmentTemplate(scheme, S);
      const info = LANDMARK_SCHEMES[scheme];
      info.toIbug68.forEach((ibug, i) => { if (ibug >= 17 && ibug <= 21) face[2 * i + 1] -= 4; });
      const flipOnly: Augmentation = { ...NO_AUGMENTATION, flip: true };
      const flipped = auPoints(augmentLandmarks(face, flipOnly, S, scheme), aus, scheme);
      const original = auPoints(face, aus, scheme);
      const perm = auPointFlip(aus);
      for (let k = 0; k < perm.length; k++) {
        expect(flipped[2 * k]).toBeCloseTo(S - 1 - original[2 * perm[k]], 3);
        expect(flipped[2 * k + 1]).toBeCloseTo(original[2 * perm[k] + 1], 3);
      }
    }
  });

  it('keeps the subject\'s left eye on the subject\'s left after a flip', () => {
    const face = alignmentTemplate('ibug68', S);
    const flipped = augmentLandmarks(face, { ...NO_AUGMENTATION, flip: true }, S, 'ibug68');
    // iBUG 36 (subject's right outer eye corner) is on the image left before and after
    expect(flipped[2 * 36]).toBeCloseTo(S - 1 - face[2 * 45], 4);
    expect(flipped[2 * 36]).toBeLessThan(S / 2);
  });

  it('moves pixels and landmarks together', () => {
    const augmentation: Augmentation = { flip: true, angle: 0.15, scale: 1.05, shiftX: 2, shiftY: -3, brightness: 0, contrast: 1 };
    const image = { data: new Uint8Array(S * S * 3), width: S, height: S, channels: 3 as const };
    const face = alignmentTemplate('ibug68', S);
    const [x, y] = [Math.round(face[2 * 30]), Math.round(face[2 * 30 + 1])]; // nose tip
    image.data[(y * S + x) * 3] = 255;
    const warped = warpAffine(image, augmentationAffine(augmentation, S), S);
    let best = 0;
    let at = [0, 0];
    for (let i = 0; i < S * S; i++) if (warped.data[3 * i] > best) [best, at] = [warped.data[3 * i], [i % S, Math.floor(i / S)]];
    const [ex, ey] = applyAffine(augmentationAffine(augmentation, S), [x, y]);
    expect(Math.hypot(at[0] - ex, at[1] - ey)).toBeLessThanOrEqual(1);
    // the nose tip (a midline point) is its own flip partner, so landmark 30 follows the dot
    const moved = augmentLandmarks(Float32Array.from(face), augmentation, S, 'ibug68');
    expect(Math.hypot(moved[60] - ex, moved[61] - ey)).toBeLessThan(1.5);
  });

  it('draws the same augmentation from the same seed, within the ranges', () => {
    const a = drawAugmentation(mulberry32(5), S, { maxRotationDegrees: 10, maxShift: 0.05 });
    expect(drawAugmentation(mulberry32(5), S, { maxRotationDegrees: 10, maxShift: 0.05 })).toEqual(a);
    for (let seed = 0; seed < 50; seed++) {
      const d = drawAugmentation(mulberry32(seed), S);
      expect(Math.abs(d.angle)).toBeLessThanOrEqual((10 * Math.PI) / 180);
      expect(Math.abs(d.shiftX)).toBeLessThanOrEqual(0.05 * S);
      expect(Math.abs(d.scale - 1)).toBeLessThanOrEqual(0.05);
    }
    const none = drawAugmentation(mulberry32(1), S, { flipProbability: 0, maxRotationDegrees: 0, maxScale: 0, maxShift: 0, maxBrightness: 0, maxContrast: 0 });
    expect(none).toEqual(NO_AUGMENTATION);
  });

  it('scales pixels to [0, 1] with brightness and contrast (hand values)', () => {
    const out = new Float32Array(3);
    toUnitFloat(Uint8Array.from([0, 51, 255]), out);
    expect(out[0]).toBe(0);
    expect(out[1]).toBeCloseTo(0.2, 6);
    expect(out[2]).toBe(1);
    // contrast 2 about 0.5, brightness +0.1: 51/255 = 0.2 → (0.2 − 0.5)·2 + 0.5 + 0.1 = 0; 255 → clamp(1.6) = 1
    toUnitFloat(Uint8Array.from([51, 153, 255]), out, 0.1, 2);
    expect(out[0]).toBeCloseTo(0, 6);
    expect(out[1]).toBeCloseTo((0.6 - 0.5) * 2 + 0.6, 6);
    expect(out[2]).toBe(1);
  });
});
