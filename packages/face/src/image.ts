import sharp from 'sharp';
import { assertRgbImage, type RgbImage } from './rgb-image.js';

export { assertRgbImage, type RgbImage } from './rgb-image.js';

export interface DecodeOptions {
  /**
   * Refuse images with more pixels than this (width·height) before decoding them, so a
   * small compressed file cannot expand into gigabytes (a "decompression bomb").
   * Default 50 megapixels; `false` turns the limit off.
   */
  maxPixels?: number | false;
}

export const DEFAULT_MAX_PIXELS = 50_000_000;

/**
 * Decodes any format sharp reads (JPEG, PNG, WebP, TIFF, GIF, AVIF, …) into an RGB image:
 * EXIF orientation is applied, alpha dropped, grey and CMYK converted to sRGB.
 * @param input encoded bytes, or a file path
 */
export async function decodeImage(input: Uint8Array | string, options: DecodeOptions = {}): Promise<RgbImage> {
  const where = typeof input === 'string' ? `decodeImage(${JSON.stringify(input)})` : 'decodeImage(buffer)';
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new TypeError(`${where}: expected a file path or a Uint8Array/Buffer of encoded image bytes`);
  }
  if (typeof input !== 'string' && input.length === 0) throw new Error(`${where}: the buffer is empty`);
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  try {
    const { data, info } = await sharp(input, { limitInputPixels: maxPixels === false ? false : maxPixels })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      channels: 3,
    };
  } catch (error) {
    const message = (error as Error).message;
    const hint = /pixel limit/i.test(message)
      ? ` (the image has more than maxPixels = ${maxPixels} pixels; raise maxPixels if it is trusted)`
      : /missing|no such file/i.test(message)
        ? ' (is the path right?)'
        : '';
    throw new Error(`${where}: cannot decode image: ${message}${hint}`, { cause: error });
  }
}

function toSharp(image: RgbImage) {
  assertRgbImage(image);
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
}

/** Encodes an RGB image as PNG bytes (lossless). */
export async function encodePng(image: RgbImage): Promise<Buffer> {
  return toSharp(image).png().toBuffer();
}

/** Encodes an RGB image as JPEG bytes; `quality` 1–100 (default 90). */
export async function encodeJpeg(image: RgbImage, quality = 90): Promise<Buffer> {
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new RangeError(`encodeJpeg: quality must be an integer in 1–100, got ${quality}`);
  }
  return toSharp(image).jpeg({ quality }).toBuffer();
}
