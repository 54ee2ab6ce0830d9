import { describe, expect, it } from 'vitest';
import { applyAffine, invertAffine, similarityAbout, type Affine } from './affine.js';
import type { RgbImage } from './image.js';
import { warpAffine } from './warp.js';

function blank(width: number, height: number): RgbImage {
  return { data: new Uint8Array(width * height * 3), width, height, channels: 3 };
}

function brightestPixel(image: RgbImage): [number, number] {
  let best = -1;
  let at: [number, number] = [0, 0];
  for (let i = 0; i < image.width * image.height; i++) {
    if (image.data[3 * i] > best) {
      best = image.data[3 * i];
      at = [i % image.width, Math.floor(i / image.width)];
    }
  }
  return at;
}

describe('warpAffine', () => {
  it('is exact for the identity', () => {
    const image = blank(7, 5);
    image.data.forEach((_, i) => (image.data[i] = (i * 37) % 256));
    const out = warpAffine(image, [1, 0, 0, 0, 1, 0], 7, { height: 5 });
    expect(Array.from(out.data)).toEqual(Array.from(image.data));
  });

  it('interpolates bilinearly (hand case: half-pixel shift)', () => {
    const image = blank(2, 1);
    image.data.set([0, 100, 200, 100, 200, 0]);
    // output x = source x − 0.5: output pixel 0 reads source 0.5, the mean of the two pixels
    const out = warpAffine(image, [1, 0, -0.5, 0, 1, 0], 1);
    expect(Array.from(out.data)).toEqual([50, 150, 100]);
  });

  it('interpolates bilinearly inside the image (hand case)', () => {
    // 3×3 grey ramp v(x, y) = 10·x + 100·y; bilinear is exact on a linear ramp:
    // output (0, 0) reads source (0.25, 0.5) → 2.5 + 50 = 52.5 → 53 (rounded)
    const image = blank(3, 3);
    for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) image.data.fill(10 * x + 100 * y, (y * 3 + x) * 3, (y * 3 + x) * 3 + 3);
    const out = warpAffine(image, [1, 0, -0.25, 0, 1, -0.5], 1);
    expect(Array.from(out.data)).toEqual([53, 53, 53]);
  });

  it('moves a dot where the affine moves its coordinates', () => {
    const image = blank(64, 48);
    const dot = [20, 30];
    image.data[(dot[1] * 64 + dot[0]) * 3] = 255;
    const m = similarityAbout(32, 24, 1.3, 0.4, 5, -3);
    const out = warpAffine(image, m, 80);
    const [ex, ey] = applyAffine(m, dot);
    const [fx, fy] = brightestPixel(out);
    expect(Math.abs(fx - ex)).toBeLessThanOrEqual(1);
    expect(Math.abs(fy - ey)).toBeLessThanOrEqual(1);
  });

  it('round-trips an image through a map and its inverse (smooth image, small error)', () => {
    const image = blank(40, 40);
    for (let y = 0; y < 40; y++) for (let x = 0; x < 40; x++) image.data.set([x * 6, y * 6, 128], (y * 40 + x) * 3);
    const m: Affine = similarityAbout(20, 20, 0.9, 0.2);
    const back = warpAffine(warpAffine(image, m, 40, { border: 'replicate' }), invertAffine(m), 40);
    // compare the centre, away from the borders the first warp cut off
    for (let y = 12; y < 28; y++) {
      for (let x = 12; x < 28; x++) {
        for (let c = 0; c < 3; c++) {
          expect(Math.abs(back.data[(y * 40 + x) * 3 + c] - image.data[(y * 40 + x) * 3 + c])).toBeLessThanOrEqual(2);
        }
      }
    }
  });

  it('fills outside the source with the fill colour or the edge', () => {
    const image = blank(2, 2);
    image.data.fill(90);
    const shifted: Affine = [1, 0, 10, 0, 1, 0];
    expect(Array.from(warpAffine(image, shifted, 2, { fill: [1, 2, 3] }).data.slice(0, 3))).toEqual([1, 2, 3]);
    expect(Array.from(warpAffine(image, shifted, 2, { border: 'replicate' }).data.slice(0, 3))).toEqual([90, 90, 90]);
  });

  it('rejects a bad image or size', () => {
    expect(() => warpAffine({ data: new Uint8Array(5), width: 2, height: 2, channels: 3 }, [1, 0, 0, 0, 1, 0], 2)).toThrow(/expected 2·2·3 = 12 bytes/);
    expect(() => warpAffine(blank(2, 2), [1, 0, 0, 0, 1, 0], 0)).toThrow(/positive integers/);
  });
});
