import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, encodeJpeg, encodePng, type RgbImage } from './image.js';

function gradient(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set([x * 10, y * 20, 77], (y * width + x) * 3);
  }
  return { data, width, height, channels: 3 };
}

describe('decodeImage / encodePng / encodeJpeg', () => {
  it('round-trips an image through PNG exactly', async () => {
    const image = gradient(6, 4);
    const back = await decodeImage(await encodePng(image));
    expect(back).toMatchObject({ width: 6, height: 4, channels: 3 });
    expect(Array.from(back.data)).toEqual(Array.from(image.data));
  });

  it('round-trips through JPEG approximately', async () => {
    const image = gradient(16, 8);
    const back = await decodeImage(await encodeJpeg(image, 95));
    let maxError = 0;
    back.data.forEach((v, i) => (maxError = Math.max(maxError, Math.abs(v - image.data[i]))));
    expect(maxError).toBeLessThan(20);
  });

  it('turns grey and RGBA images into RGB', async () => {
    const grey = await sharp(Buffer.from([0, 50, 100, 150]), { raw: { width: 2, height: 2, channels: 1 } }).png().toBuffer();
    expect(Array.from((await decodeImage(grey)).data.slice(0, 6))).toEqual([0, 0, 0, 50, 50, 50]);
    const rgba = await sharp(Buffer.from([10, 20, 30, 255]), { raw: { width: 1, height: 1, channels: 4 } }).png().toBuffer();
    expect(Array.from((await decodeImage(rgba)).data)).toEqual([10, 20, 30]);
  });

  it('applies EXIF orientation', async () => {
    // orientation 6 = rotate 90° clockwise to display: a 4×2 stored image shows as 2×4
    const jpeg = await sharp(Buffer.from(gradient(4, 2).data), { raw: { width: 4, height: 2, channels: 3 } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const decoded = await decodeImage(jpeg);
    expect([decoded.width, decoded.height]).toEqual([2, 4]);
  });

  it('refuses images over the pixel limit, garbage and missing files, saying why', async () => {
    const png = await encodePng(gradient(20, 20));
    await expect(decodeImage(png, { maxPixels: 100 })).rejects.toThrow(/maxPixels = 100/);
    await expect(decodeImage(new Uint8Array([1, 2, 3, 4]))).rejects.toThrow(/decodeImage\(buffer\): cannot decode/);
    await expect(decodeImage('/no/such/file.png')).rejects.toThrow(/\/no\/such\/file\.png/);
    await expect(decodeImage(new Uint8Array(0))).rejects.toThrow(/empty/);
  });

  it('refuses a malformed RgbImage when encoding', async () => {
    await expect(encodePng({ data: new Uint8Array(3), width: 2, height: 2, channels: 3 })).rejects.toThrow(/12 bytes/);
  });
});
