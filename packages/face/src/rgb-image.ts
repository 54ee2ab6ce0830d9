// The image type of every g2rl package boundary, and its check (pure: no Node, no sharp).

/**
 * An 8-bit RGB image, row-major, channels-last: pixel (row i, col j) channel c is
 * `data[(i·width + j)·3 + c]`. The image type that crosses every g2rl package boundary.
 */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
}

/** Checks that `image` is a well-formed RgbImage; `name` says which argument it was. */
export function assertRgbImage(image: RgbImage, name = 'image'): void {
  if (image === null || typeof image !== 'object') {
    throw new TypeError(`${name}: expected an RgbImage {data, width, height, channels: 3}, got ${image}`);
  }
  const { data, width, height, channels } = image;
  if (!(data instanceof Uint8Array)) throw new TypeError(`${name}.data: expected a Uint8Array`);
  if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0) {
    throw new RangeError(`${name}: width and height must be positive integers, got ${width}×${height}`);
  }
  if (channels !== 3) throw new RangeError(`${name}.channels: expected 3 (RGB), got ${channels}`);
  if (data.length !== width * height * 3) {
    throw new RangeError(
      `${name}.data: expected ${width}·${height}·3 = ${width * height * 3} bytes, got ${data.length}`,
    );
  }
}
