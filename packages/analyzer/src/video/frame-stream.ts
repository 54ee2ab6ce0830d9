// Decoded frames of a video, streamed: ffmpeg writes raw RGB (rgb24) frames to a pipe and,
// through its `showinfo` filter, each frame's presentation timestamp and size to stderr. The
// timestamps are the stream's own (pts × time base), so a variable-frame-rate file gets its
// true times; rotation metadata is applied by ffmpeg (autorotate). Frames are read one at a
// time (the pipe's back-pressure holds ffmpeg), so memory does not grow with the video.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { RgbImage } from '@g2rl/face/pure';
import type { FfmpegTools } from './ffmpeg-locate.js';
import { lastErrorLine } from './probe.js';
import { VideoError } from './video-error.js';

export interface VideoFrame {
  /** 1-based frame number in the video, as OpenFace counts (`frame` column). */
  frame: number;
  /** Seconds since the stream's start (presentation time). */
  timestamp: number;
  /** The frame as displayed: W×H×3 RGB. */
  image: RgbImage;
}

export interface FrameStreamOptions {
  /** Seek here first (seconds since the stream start); frames before it are not returned. Default 0. */
  start?: number;
  /** Stop before the first frame at or after this time (seconds). Default: the end. */
  end?: number;
  /** Keep every N-th frame (1 = all). Default 1. */
  every?: number;
  /**
   * The frame number of the first decoded frame (at `start`). Default 1 without `start`;
   * with `start`, 1 + round(start × fps) (exact for constant-frame-rate files).
   */
  firstFrame?: number;
  /** Frames per second used for `firstFrame`'s default. */
  fps?: number;
  /** Told each line of ffmpeg's stderr that reports a decoding problem (a damaged or truncated file). */
  onWarning?: (line: string) => void;
}

interface FrameInfo { n: number; pts: number; ptsTime: number; width: number; height: number }

const SHOWINFO = /\bn:\s*(\d+)\s+pts:\s*(-?\d+|NOPTS)\s+pts_time:(\S+).*?\bs:(\d+)x(\d+)/;
const TIME_BASE = /config in time_base:\s*(\d+)\/(\d+)/;
const PROBLEM = /error|invalid|corrupt|truncat|missing|concealing|non-existing|overread/i;

/** The ffmpeg arguments that decode `file` to rgb24 frames on stdout with showinfo on stderr. */
export function ffmpegDecodeArgs(file: string, options: FrameStreamOptions): string[] {
  const every = options.every ?? 1;
  const filters: string[] = [];
  if (every > 1) filters.push(`select='not(mod(n\\,${every}))'`);
  filters.push('showinfo');
  return [
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'verbose',
    ...(options.start ? ['-ss', String(options.start)] : []),
    '-i', file, '-map', '0:v:0', '-vf', filters.join(','),
    // One output frame per decoded frame: no duplicates or drops to make a constant rate.
    '-vsync', 'passthrough', '-an', '-sn', '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1',
  ];
}

/**
 * Streams the frames of `file` (see VideoFrame). Throws a VideoError naming the file when
 * ffmpeg cannot decode it; stopping the iteration early stops ffmpeg.
 */
export async function* decodeVideoFrames(file: string, tools: FfmpegTools, options: FrameStreamOptions = {}): AsyncGenerator<VideoFrame> {
  const every = options.every ?? 1;
  const start = options.start ?? 0;
  if (!Number.isInteger(every) || every < 1) throw new VideoError('invalid-option', `every must be a positive integer, got ${every}`);
  if (!(start >= 0)) throw new VideoError('invalid-option', `start must be ≥ 0 seconds, got ${start}`);
  const firstFrame = options.firstFrame ?? (start > 0 && options.fps && Number.isFinite(options.fps) ? 1 + Math.round(start * options.fps) : 1);
  // detached: a Ctrl-C at the terminal reaches us, not ffmpeg; we stop it ourselves.
  const child = spawn(tools.ffmpeg, ffmpegDecodeArgs(file, options), { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const infos: FrameInfo[] = [];
  let timeBase = NaN;
  let stderrTail = '';
  let partialLine = '';
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let spawnError: Error | null = null;
  let wake: (() => void) | null = null;
  const notify = (): void => { wake?.(); wake = null; };
  const waitForNews = (): Promise<void> => new Promise((resolve) => { wake = resolve; });

  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    const lines = (partialLine + text).split('\n');
    partialLine = lines.pop() ?? '';
    for (const line of lines) {
      const frame = SHOWINFO.exec(line);
      if (frame) {
        infos.push({ n: Number(frame[1]), pts: frame[2] === 'NOPTS' ? NaN : Number(frame[2]), ptsTime: Number(frame[3]), width: Number(frame[4]), height: Number(frame[5]) });
        continue;
      }
      const tb = TIME_BASE.exec(line);
      if (tb && !Number.isFinite(timeBase)) timeBase = Number(tb[1]) / Number(tb[2]);
      else if (!line.includes('Parsed_showinfo')) {
        stderrTail = (stderrTail + line + '\n').slice(-4000);
        if (PROBLEM.test(line) && !/^\s*(Stream|Input|Output)/.test(line)) options.onWarning?.(line.replace(/^\[[^\]]*\]\s*/, '').trim());
      }
    }
    notify();
  });
  child.on('error', (error) => { spawnError = error; notify(); });
  child.on('close', (code, signal) => { exited = { code, signal }; notify(); });

  let lastFrameBytes = 0;
  const chunks: Buffer[] = [];
  let buffered = 0;
  let stdoutEnded = false;
  child.stdout.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    buffered += chunk.length;
    // Hold ffmpeg once two frames are waiting: memory stays at a few frames.
    const frameBytes = lastFrameBytes || 4 << 20;
    if (buffered > 2 * frameBytes) child.stdout.pause();
    notify();
  });
  child.stdout.on('end', () => { stdoutEnded = true; notify(); });

  const failure = (what: string): VideoError => new VideoError('decode-failed', `${file}: ${what} (${spawnError ? spawnError.message : lastErrorLine(stderrTail, file)})`);
  const take = (bytes: number): Uint8Array => {
    const out = new Uint8Array(bytes);
    let filled = 0;
    while (filled < bytes) {
      const head = chunks[0]!;
      const n = Math.min(head.length, bytes - filled);
      out.set(head.subarray(0, n), filled);
      filled += n;
      if (n === head.length) chunks.shift();
      else chunks[0] = head.subarray(n);
    }
    buffered -= bytes;
    return out;
  };

  let k = 0;
  let size: { width: number; height: number } | null = null;
  try {
    for (;;) {
      // The frame's showinfo line is written before its pixels, but the two pipes are read
      // independently: wait for both.
      while (infos.length === 0 && !exited && !spawnError) await waitForNews();
      if (spawnError) throw failure('cannot run ffmpeg');
      const info = infos.shift();
      if (!info) {
        if (exited!.code !== 0 && k === 0 && !spawnError && existsSync(file)) throw new VideoError('no-frames', `${file}: no frame could be decoded (${lastErrorLine(stderrTail, file)})`);
        if (exited!.code !== 0) throw failure(`ffmpeg stopped with exit code ${exited!.code ?? exited!.signal} after ${k} frames`);
        return;
      }
      size ??= { width: info.width, height: info.height };
      if (info.width !== size.width || info.height !== size.height) {
        throw new VideoError('decode-failed', `${file}: the frame size changes from ${size.width}×${size.height} to ${info.width}×${info.height} at frame ${k + 1}; re-encode it at one size (ffmpeg -vf scale=…)`);
      }
      const bytes = info.width * info.height * 3;
      lastFrameBytes = bytes;
      while (buffered < bytes && !stdoutEnded) {
        child.stdout.resume();
        await waitForNews();
      }
      if (buffered < bytes) throw failure(`ffmpeg's output ended inside frame ${k + 1}`);
      const image: RgbImage = { data: take(bytes), width: info.width, height: info.height, channels: 3 };
      if (buffered <= 2 * bytes) child.stdout.resume();
      // pts × time base is exact; pts_time is printed to 6 digits (the fallback if no time base was logged).
      const seconds = Number.isFinite(info.pts) && Number.isFinite(timeBase) ? info.pts * timeBase : info.ptsTime;
      // Without -copyts ffmpeg shifts timestamps so that the seek point is 0.
      const timestamp = Math.round((start + seconds) * 1e6) / 1e6;
      if (options.end !== undefined && timestamp >= options.end - 1e-9) return;
      yield { frame: firstFrame + k * every, timestamp, image };
      k++;
    }
  } finally {
    if (!exited) child.kill('SIGKILL');
  }
}
