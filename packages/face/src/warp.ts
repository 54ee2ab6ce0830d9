import { invertAffine, type Affine } from './affine.js';
import { assertRgbImage, type RgbImage } from './rgb-image.js';

export interface WarpOptions {
  /** Output height; defaults to `size` (square output). */
  height?: number;
  /**
   * What lies outside the source image: 'constant' fills with `fill` (default black,
   * as OpenCV's warpAffine does), 'replicate' repeats the nearest edge pixel.
   */
  border?: 'constant' | 'replicate';
  /** RGB fill for border 'constant', default [0, 0, 0]. */
  fill?: readonly [number, number, number];
}

/**
 * Warps `image` by `affine` (source pixel coordinates → output pixel coordinates) into a
 * `size × height` RGB image with bilinear interpolation.
 *
 * Inverse mapping: each output pixel (x, y) reads the source at `affine⁻¹(x, y)`. The
 * inverse is linear, so along an output row the source position advances by a constant
 * step and is updated by two additions instead of a matrix product per pixel.
 * @param image source RgbImage H_in×W_in×3
 * @param affine 2×3 map from source to output coordinates
 * @param size output width (and height unless `options.height`)
 */
export function warpAffine(image: RgbImage, affine: Readonly<Affine>, size: number, options: WarpOptions = {}): RgbImage {
  assertRgbImage(image, 'warpAffine: image');
  const width = size;
  const height = options.height ?? size;
  if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0) {
    throw new RangeError(`warpAffine: output size must be positive integers, got ${width}×${height}`);
  }
  const replicate = options.border === 'replicate';
  const [f0, f1, f2] = options.fill ?? [0, 0, 0];
  const [ia, ib, itx, ic, id, ity] = invertAffine(affine);
  const src = image.data;
  const sw = image.width;
  const sh = image.height;
  const maxX = sw - 1;
  const maxY = sh - 1;
  const rowBytes = sw * 3;
  const out = new Uint8Array(width * height * 3);
  let o = 0;
  for (let y = 0; y < height; y++) {
    // Source position of output pixel (0, y); each step in x adds (ia, ic).
    let sx = ib * y + itx;
    let sy = id * y + ity;
    for (let x = 0; x < width; x++, sx += ia, sy += ic, o += 3) {
      let u = sx;
      let v = sy;
      if (u >= 0 && v >= 0 && u < maxX && v < maxY) {
        // Interior (the common case): all four neighbours exist, no border logic.
        const x0 = u | 0;
        const y0 = v | 0;
        const fx = u - x0;
        const fy = v - y0;
        const p = (y0 * sw + x0) * 3;
        const q = p + rowBytes;
        for (let c = 0; c < 3; c++) {
          const top = src[p + c] + fx * (src[p + 3 + c] - src[p + c]);
          const bottom = src[q + c] + fx * (src[q + 3 + c] - src[q + c]);
          out[o + c] = top + fy * (bottom - top) + 0.5;
        }
        continue;
      }
      if (u < 0 || v < 0 || u > maxX || v > maxY) {
        if (!replicate && (u <= -1 || v <= -1 || u >= sw || v >= sh)) {
          out[o] = f0;
          out[o + 1] = f1;
          out[o + 2] = f2;
          continue;
        }
        if (replicate) {
          u = u < 0 ? 0 : u > maxX ? maxX : u;
          v = v < 0 ? 0 : v > maxY ? maxY : v;
        }
      }
      // Within one pixel of the edge in 'constant' mode, neighbours outside are the fill
      // colour, so the image fades into the border instead of ending in a hard step.
      const x0 = Math.floor(u);
      const y0 = Math.floor(v);
      const fx = u - x0;
      const fy = v - y0;
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      const inX0 = x0 >= 0;
      const inX1 = x0 + 1 <= maxX;
      const inY0 = y0 >= 0;
      const inY1 = y0 + 1 <= maxY;
      const p00 = inX0 && inY0 ? (y0 * sw + x0) * 3 : -1;
      const p01 = inX1 && inY0 ? (y0 * sw + x0 + 1) * 3 : -1;
      const p10 = inX0 && inY1 ? ((y0 + 1) * sw + x0) * 3 : -1;
      const p11 = inX1 && inY1 ? ((y0 + 1) * sw + x0 + 1) * 3 : -1;
      for (let c = 0; c < 3; c++) {
        const fillC = c === 0 ? f0 : c === 1 ? f1 : f2;
        const value =
          w00 * (p00 >= 0 ? src[p00 + c] : fillC) +
          w01 * (p01 >= 0 ? src[p01 + c] : fillC) +
          w10 * (p10 >= 0 ? src[p10 + c] : fillC) +
          w11 * (p11 >= 0 ? src[p11 + c] : fillC);
        out[o + c] = value + 0.5; // Uint8Array assignment truncates: +0.5 rounds
      }
    }
  }
  return { data: out, width, height, channels: 3 };
}
