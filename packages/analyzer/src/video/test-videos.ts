// Test videos made by ffmpeg (the independent writer): lossless clips whose pixels encode the
// frame number, variable-frame-rate and rotated clips, a zoom over a real photo, and broken
// files. Only the tests import this file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const testDir = (): string => mkdtempSync(join(tmpdir(), 'g2rl-video-'));

/** Runs ffmpeg (system) with `args`; throws with its stderr when it fails. */
export function ffmpeg(args: string[], input?: Uint8Array): void {
  const run = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { input, maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${run.stderr}`);
}

/** Pixel (x, y) of frame k of the pattern clip: R = k, G = x·4, B = y·4 (mod 256). */
export function patternPixel(k: number, x: number, y: number): [number, number, number] {
  return [k % 256, (x * 4) % 256, (y * 4) % 256];
}

/** A lossless (FFV1, RGB) clip of `frames` W×H frames at `fps` whose pixels follow patternPixel. */
export function patternClip(path: string, frames: number, width = 32, height = 24, fps = 25): string {
  const raw = new Uint8Array(frames * width * height * 3);
  for (let k = 0; k < frames; k++) {
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set(patternPixel(k, x, y), ((k * height + y) * width + x) * 3);
  }
  ffmpeg(['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(fps), '-i', 'pipe:0', '-c:v', 'ffv1', '-pix_fmt', 'bgr0', path], raw);
  return path;
}

/** A zoom over `photo` (a real face), 640×480 at `fps`, `seconds` long, H.264. */
export function zoomClip(photo: string, path: string, seconds: number, fps = 25, size = '640x480'): string {
  const frames = Math.round(seconds * fps);
  ffmpeg(['-loop', '1', '-i', photo, '-vf', `scale=1200:-2,zoompan=z='min(zoom+0.0015,1.5)':d=${frames}:x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':s=${size}:fps=${fps}`,
    '-frames:v', String(frames), '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'veryfast', path]);
  return path;
}

export function writeBytes(path: string, bytes: Uint8Array): string {
  writeFileSync(path, bytes);
  return path;
}
