// Which ffmpeg (and ffprobe) g2rl runs: `G2RL_FFMPEG` / `G2RL_FFPROBE` when set, else the
// system's on PATH, else the static binary that the npm package @ffmpeg-installer/ffmpeg
// ships (so a machine with only Node works). That package has no ffprobe; probe.ts then
// reads the stream information from `ffmpeg -i` instead.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { VideoError } from './video-error.js';

export interface FfmpegTools {
  /** Path or command name of ffmpeg. */
  ffmpeg: string;
  /** Path or command name of ffprobe, or null when only ffmpeg is available. */
  ffprobe: string | null;
  /** Where ffmpeg came from. */
  source: 'env' | 'system' | '@ffmpeg-installer/ffmpeg';
}

const localRequire = createRequire(import.meta.url);

/** True when `command -version` runs and exits 0. */
function runs(command: string): boolean {
  const result = spawnSync(command, ['-version'], { stdio: 'ignore', timeout: 10_000 });
  return result.status === 0;
}

/** The binary of @ffmpeg-installer/ffmpeg for this platform, or null when it is not installed. */
export function installerFfmpegPath(): string | null {
  try {
    return (localRequire('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch {
    return null;
  }
}

let cached: FfmpegTools | undefined;

/**
 * Finds ffmpeg and ffprobe once per process (see the file comment for the order).
 * Throws a VideoError saying how to install ffmpeg when none runs.
 */
export function locateFfmpeg(env: NodeJS.ProcessEnv = process.env): FfmpegTools {
  if (cached && env === process.env) return cached;
  let tools: FfmpegTools | undefined;
  if (env.G2RL_FFMPEG) {
    if (!runs(env.G2RL_FFMPEG)) throw new VideoError('no-ffmpeg', `G2RL_FFMPEG=${env.G2RL_FFMPEG} does not run (\`${env.G2RL_FFMPEG} -version\` failed)`);
    const ffprobe = env.G2RL_FFPROBE ?? null;
    tools = { ffmpeg: env.G2RL_FFMPEG, ffprobe: ffprobe && ffprobe !== 'none' && runs(ffprobe) ? ffprobe : null, source: 'env' };
  } else if (runs('ffmpeg')) {
    tools = { ffmpeg: 'ffmpeg', ffprobe: runs('ffprobe') ? 'ffprobe' : null, source: 'system' };
  } else {
    const shipped = installerFfmpegPath();
    if (shipped && runs(shipped)) tools = { ffmpeg: shipped, ffprobe: null, source: '@ffmpeg-installer/ffmpeg' };
  }
  if (!tools) {
    throw new VideoError('no-ffmpeg', 'no ffmpeg found: install it (apt-get install ffmpeg, brew install ffmpeg) or the npm package @ffmpeg-installer/ffmpeg, or set G2RL_FFMPEG to its path');
  }
  if (env === process.env) cached = tools;
  return tools;
}
