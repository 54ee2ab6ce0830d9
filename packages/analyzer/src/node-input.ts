// Node inputs to RgbImage: a file path, encoded bytes (JPEG, PNG, WebP, … through sharp) or
// an RgbImage; the size limits are checked from the header before decoding.
import { readFile } from 'node:fs/promises';
import { decodeImage, type RgbImage } from '@g2rl/face';
import sharp from 'sharp';
import { AnalyzerError } from './errors.js';

/** A Node input: a file path, encoded image bytes, or a decoded RgbImage. */
export type NodeInput = string | Uint8Array | RgbImage;

/** Longest side accepted: a 20 000×1 strip is few pixels but absurd for face detection. */
export const MAX_SIDE = 16_384;
export const DEFAULT_MAX_PIXELS = 50_000_000;

/** A path, bytes or RgbImage → RgbImage; size limits checked from the header before decoding. */
export async function decodeNodeInput(input: NodeInput, maxPixels = DEFAULT_MAX_PIXELS): Promise<RgbImage> {
  if (typeof input === 'object' && input !== null && !(input instanceof Uint8Array)) {
    const { data, width, height, channels } = input;
    if (!(data instanceof Uint8Array) || channels !== 3 || data.length !== width * height * 3) {
      throw new AnalyzerError('invalid-image', `RgbImage input: expected { data: Uint8Array(width·height·3), width, height, channels: 3 }, got ${width}×${height}×${channels} with ${data?.length} bytes`);
    }
    return input;
  }
  const name = typeof input === 'string' ? input : 'image bytes';
  let bytes: Uint8Array;
  try {
    bytes = typeof input === 'string' ? await readFile(input) : input;
  } catch (error) {
    throw new AnalyzerError('invalid-image', `${name}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new AnalyzerError('invalid-image', `${name}: not an image sharp can read (${(error as Error).message})`);
  }
  const { width = 0, height = 0 } = meta;
  if (width > MAX_SIDE || height > MAX_SIDE) throw new AnalyzerError('image-too-large', `${name}: the image is ${width}×${height}; each side must be at most ${MAX_SIDE} pixels`);
  if (width * height > maxPixels) throw new AnalyzerError('image-too-large', `${name}: the image is ${width}×${height} = ${width * height} pixels; the limit is ${maxPixels}`);
  try {
    return await decodeImage(bytes, { maxPixels });
  } catch (error) {
    throw new AnalyzerError('invalid-image', `${name}: ${(error as Error).message.replace(/^decodeImage\(buffer\): /, '')}`);
  }
}
