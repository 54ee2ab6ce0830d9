// The frame stream against clips written by ffmpeg: every pixel of a lossless clip comes back
// in order, --start/--end/--every pick the right frames, variable-frame-rate timestamps are
// the file's own, rotation metadata is applied, and broken files fail with a named error.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateFfmpeg, installerFfmpegPath } from './ffmpeg-locate.js';
import { decodeVideoFrames, type VideoFrame } from './frame-stream.js';
import { probeVideo } from './probe.js';
import { ffmpeg, patternClip, patternPixel, testDir } from './test-videos.js';

const tools = locateFfmpeg();
const collect = async (it: AsyncIterable<VideoFrame>): Promise<VideoFrame[]> => { const out: VideoFrame[] = []; for await (const f of it) out.push(f); return out; };

describe('decodeVideoFrames', () => {
  const dir = testDir();
  const clip = patternClip(join(dir, 'pattern.mkv'), 40);

  it('returns every frame of a lossless clip, pixel for pixel, with timestamps k/fps', async () => {
    const frames = await collect(decodeVideoFrames(clip, tools));
    expect(frames).toHaveLength(40);
    frames.forEach((f, k) => {
      expect(f.frame).toBe(k + 1);
      expect(f.timestamp).toBeCloseTo(k / 25, 6);
      expect([f.image.width, f.image.height]).toEqual([32, 24]);
      for (const [x, y] of [[0, 0], [31, 23], [7, 13]] as const) {
        const i = (y * 32 + x) * 3;
        expect(Array.from(f.image.data.subarray(i, i + 3))).toEqual(patternPixel(k, x, y));
      }
    });
  });

  it('--start, --end and --every pick frames by time and by count', async () => {
    const frames = await collect(decodeVideoFrames(clip, tools, { start: 0.4, end: 1.2, every: 3, fps: 25 }));
    // frames at 0.40 s (k = 10) … < 1.20 s (k = 29), every third: k = 10, 13, …, 28
    expect(frames.map((f) => f.image.data[0])).toEqual([10, 13, 16, 19, 22, 25, 28]);
    expect(frames.map((f) => f.frame)).toEqual([11, 14, 17, 20, 23, 26, 29]);
    frames.forEach((f) => expect(f.timestamp).toBeCloseTo((f.frame - 1) / 25, 6));
  });

  it('gives a variable-frame-rate file its own timestamps', async () => {
    const vfr = join(dir, 'vfr.mkv');
    // 10 frames 0.04 s apart, then 10 frames 0.1 s apart
    ffmpeg(['-i', clip, '-vf', "trim=end_frame=20,setpts='if(lt(N,10),N*0.04,0.4+(N-10)*0.1)/TB'", '-vsync', 'vfr', '-c:v', 'ffv1', vfr]);
    const frames = await collect(decodeVideoFrames(vfr, tools));
    // the reference: ffprobe's own reading of each frame's time (the muxer rounds the setpts values)
    const probed = spawnSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', vfr], { encoding: 'utf8' });
    const expected = probed.stdout.trim().split('\n').map(Number);
    expect(expected[15]! - expected[14]!).toBeGreaterThan(0.07); // the file really is variable-rate
    expect(frames).toHaveLength(20);
    frames.forEach((f, n) => expect(f.timestamp).toBeCloseTo(expected[n]!, 3));
    expect(frames.map((f) => f.image.data[0])).toEqual(Array.from({ length: 20 }, (_, n) => n));
  });

  it('applies rotation metadata: a quarter-turned clip comes out portrait, turned the way probe says', async () => {
    const mp4 = join(dir, 'plain.mp4');
    const rotated = join(dir, 'rotated.mp4');
    ffmpeg(['-i', clip, '-c:v', 'libx264', '-qp', '0', '-pix_fmt', 'yuv444p', mp4]);
    ffmpeg(['-i', mp4, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', rotated]);
    const info = await probeVideo(rotated, tools);
    expect([90, 270]).toContain(info.rotation);
    expect([info.width, info.height]).toEqual([24, 32]);
    // the ffmpeg -i summary reads the same rotation
    expect((await probeVideo(rotated, { ...tools, ffprobe: null })).rotation).toBe(info.rotation);
    const [first] = await collect(decodeVideoFrames(rotated, tools, { end: 0.01 }));
    expect([first!.image.width, first!.image.height]).toEqual([24, 32]);
    // the source's top-left pixel (G = 0, B = 0) turned clockwise by `rotation` lands top-right (90) or bottom-left (270)
    const corner = info.rotation === 90 ? 23 * 3 : 31 * 24 * 3;
    expect(first!.image.data[corner + 1]).toBeLessThan(12);
    expect(first!.image.data[corner + 2]).toBeLessThan(12);
  });

  it('stops ffmpeg when the reader stops early', async () => {
    for await (const f of decodeVideoFrames(clip, tools)) if (f.frame === 3) break;
    // nothing left running: a second read works and is complete
    expect(await collect(decodeVideoFrames(clip, tools, { end: 0.2 }))).toHaveLength(5);
  });

  it('fails with a named error on a file ffmpeg cannot decode', async () => {
    await expect(collect(decodeVideoFrames(join(dir, 'missing.mp4'), tools))).rejects.toThrow(/missing\.mp4: ffmpeg stopped with exit code 1 after 0 frames \(.*No such file/);
  });

  it('the ffmpeg shipped by @ffmpeg-installer/ffmpeg decodes the same frames (probe from ffmpeg -i)', async () => {
    const shipped = installerFfmpegPath();
    expect(shipped).not.toBeNull();
    const installer = { ffmpeg: shipped!, ffprobe: null, source: '@ffmpeg-installer/ffmpeg' as const };
    const info = await probeVideo(clip, installer);
    expect(info).toMatchObject({ width: 32, height: 24, fps: 25, probedWith: 'ffmpeg' });
    const frames = await collect(decodeVideoFrames(clip, installer, { every: 4 }));
    expect(frames.map((f) => f.image.data[0])).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 32, 36]);
    frames.forEach((f) => expect(f.timestamp).toBeCloseTo((f.frame - 1) / 25, 6));
  });
});
