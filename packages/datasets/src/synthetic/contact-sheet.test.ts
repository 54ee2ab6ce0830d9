import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { contactSheet } from './contact-sheet.js';

describe('contactSheet', () => {
  it('lays out rows = AUs and columns = identities × levels, and writes the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'g2rl-sheet-'));
    const outFile = join(dir, 'sheet.png');
    const png = await contactSheet({ identities: 2, aus: [12, 26], levels: [0, 5], cellSize: 64, outFile });
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([44 + 2 * 2 * 64, 18 + 2 * 64]);
    expect((await readFile(outFile)).equals(png)).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });

  it('draws the landmarks as green dots when asked', async () => {
    const green = async (drawLandmarks: boolean): Promise<number> => {
      const png = await contactSheet({ identities: 1, aus: [1], levels: [0], cellSize: 96, drawLandmarks });
      const { data } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      let n = 0;
      for (let p = 0; p < data.length; p += 3) if (data[p + 1] > data[p] + 60 && data[p + 1] > data[p + 2] + 60) n++;
      return n;
    };
    expect(await green(true)).toBeGreaterThan(68);
    expect(await green(false)).toBeLessThan(10);
  });

  it('rejects unknown AUs, levels outside 0–5 and bad sizes', async () => {
    await expect(contactSheet({ aus: [10] })).rejects.toThrow(/AU 10 is not synthesised/);
    await expect(contactSheet({ levels: [6] })).rejects.toThrow(/levels must lie in \[0, 5\], got 6/);
    await expect(contactSheet({ cellSize: 10 })).rejects.toThrow(/cellSize must be an integer in \[48, 512\], got 10/);
    await expect(contactSheet({ identities: 0 })).rejects.toThrow(/identities must be an integer in \[1, 16\], got 0/);
  });
});
