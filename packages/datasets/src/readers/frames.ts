import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface ExtractFramesOptions {
  /** ffmpeg executable (default `ffmpeg` on PATH, or env G2RL_FFMPEG). */
  ffmpeg?: string;
  /** Output pattern inside outDir (default '%05d.png': 00001.png is frame 1, as DISFA counts). */
  pattern?: string;
}

/**
 * Extracts every frame of `video` into `outDir` with ffmpeg (a one-time "prepare" step for
 * DISFA's distributed videos). Frames are numbered from 1 in decode order.
 * @returns the number of frame files in outDir afterwards
 */
export async function extractFrames(video: string, outDir: string, options: ExtractFramesOptions = {}): Promise<number> {
  const ffmpeg = options.ffmpeg ?? process.env.G2RL_FFMPEG ?? 'ffmpeg';
  if (!existsSync(video)) throw new Error(`extractFrames: video ${video} does not exist`);
  const probe = spawnSync(ffmpeg, ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `extractFrames: cannot run ffmpeg (${JSON.stringify(ffmpeg)}): ${probe.error?.message ?? `exit ${probe.status}`}. ` +
        'Install it (Debian/Ubuntu: apt-get install ffmpeg) or set G2RL_FFMPEG / options.ffmpeg to its path.',
    );
  }
  await mkdir(outDir, { recursive: true });
  const pattern = options.pattern ?? '%05d.png';
  const args = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', video, '-vsync', '0', '-start_number', '1', join(outDir, pattern)];
  let stderr = '';
  const code = await new Promise<number>((resolvePromise, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolvePromise(status ?? 1));
  });
  if (code !== 0) throw new Error(`extractFrames: ffmpeg failed on ${video} (exit ${code}): ${stderr.trim().slice(-500)}`);
  const extension = pattern.slice(pattern.lastIndexOf('.'));
  return (await readdir(outDir)).filter((name) => name.endsWith(extension)).length;
}
