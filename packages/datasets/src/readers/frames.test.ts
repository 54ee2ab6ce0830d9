import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractFrames } from './frames.js';
import { frameNumber, listFrameImages } from './text.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'g2rl-frames-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('extractFrames', () => {
  it('says ffmpeg is missing and how to get it', async () => {
    const video = join(dir, 'v.avi');
    await writeFile(video, 'not really a video');
    await expect(extractFrames(video, join(dir, 'out'), { ffmpeg: join(dir, 'no-ffmpeg-here') })).rejects.toThrow(
      /cannot run ffmpeg .*apt-get install ffmpeg.*G2RL_FFMPEG/,
    );
  });

  it('names a missing video', async () => {
    await expect(extractFrames(join(dir, 'none.avi'), join(dir, 'out'))).rejects.toThrow(/video .*none\.avi does not exist/);
  });
});

describe('frame numbers from file names', () => {
  it('takes the last number in the name', async () => {
    expect(frameNumber('00042.png')).toBe(42);
    expect(frameNumber('l0007_lm.mat')).toBe(7);
    expect(frameNumber('SN001_0123.jpg')).toBe(123);
    expect(frameNumber('face.png')).toBeUndefined();
    await writeFile(join(dir, '00003.png'), '');
    await writeFile(join(dir, 'notes.txt'), '');
    expect([...(await listFrameImages(dir))]).toEqual([[3, join(dir, '00003.png')]]);
    expect((await listFrameImages(join(dir, 'missing'))).size).toBe(0);
  });
});
