// Content sniffing against files written by ffmpeg and sharp (the independent writers).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sniffMediaKind } from './sniff.js';
import { ffmpeg, testDir } from './test-videos.js';

describe('sniffMediaKind', () => {
  it('tells videos from images by their first bytes', async () => {
    const dir = testDir();
    for (const ext of ['mp4', 'mov', 'mkv', 'webm', 'avi', 'ts', 'mpg', 'flv', 'ogv']) {
      const path = join(dir, `clip.${ext}`);
      ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=32x24:r=25', '-frames:v', '2', ...(ext === 'webm' ? ['-c:v', 'libvpx'] : ext === 'ogv' ? ['-c:v', 'libtheora'] : []), path]);
      expect([ext, sniffMediaKind(readFileSync(path).subarray(0, 376))]).toEqual([ext, 'video']);
    }
    const pixels = { raw: { width: 8, height: 8, channels: 3 as const } };
    const blank = Buffer.alloc(8 * 8 * 3, 128);
    for (const format of ['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif'] as const) {
      const bytes = await sharp(blank, pixels).toFormat(format).toBuffer();
      expect([format, sniffMediaKind(bytes.subarray(0, 376))]).toEqual([format, 'image']);
    }
    expect(sniffMediaKind(Buffer.from('hello, world, not media at all'))).toBe('unknown');
    expect(sniffMediaKind(new Uint8Array(2))).toBe('unknown');
  });
});
