// What a video file holds, before any frame is decoded: its first video stream's size as
// displayed (after rotation metadata), frame rate, duration and frame count. From ffprobe's
// JSON when ffprobe is there, else from the stream summary `ffmpeg -i` prints.
import { spawn } from 'node:child_process';
import type { FfmpegTools } from './ffmpeg-locate.js';
import { VideoError } from './video-error.js';

export interface VideoInfo {
  /** Frame size as decoded and displayed (rotation applied), pixels. */
  width: number;
  height: number;
  /** Clockwise display rotation from the metadata, degrees (0, 90, 180, 270); ffmpeg applies it when decoding. */
  rotation: number;
  /** Average frames per second (a variable-frame-rate file's mean); NaN when unknown. */
  fps: number;
  /** Seconds, or null when the container does not say. */
  duration: number | null;
  /** Frames in the stream (container count, else duration × fps), or null when unknown. */
  frameCount: number | null;
  /** Presentation time of the stream's start, seconds (timestamps are reported relative to it). */
  startTime: number;
  /** Codec name, e.g. 'h264'. */
  codec: string;
  /** Which tool answered. */
  probedWith: 'ffprobe' | 'ffmpeg';
}

/** Runs a command to its end; stdout and stderr as text. */
export function runTool(command: string, args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/**
 * What went wrong, from a tool's stderr: the first specific line (e.g. "moov atom not found")
 * and the last (e.g. "Invalid data found when processing input"), without `[demuxer @ 0x…]`
 * prefixes or the file name.
 */
export function lastErrorLine(stderr: string, file?: string): string {
  const lines = stderr.split('\n')
    .map((l) => l.replace(/^\[[^\]]*\]\s*/, '').trim())
    .map((l) => (file && l.startsWith(`${file}: `) ? l.slice(file.length + 2) : l))
    .filter((l) => l.length > 0 && !/^(Input|Output) #|^Stream #|^Duration:|^Metadata:|^\w+\s*:|deprecated/.test(l));
  if (lines.length === 0) return 'no message';
  return lines.length > 1 && lines[0] !== lines.at(-1) ? `${lines[0]}; ${lines.at(-1)}` : lines[0]!;
}

const rate = (text: string | undefined): number => {
  if (!text) return NaN;
  const [n, d] = text.split('/').map(Number);
  const value = d === undefined ? n! : n! / d;
  return Number.isFinite(value) && value > 0 ? value : NaN;
};

const normalizeRotation = (degrees: number): number => (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;

interface FfprobeStream {
  codec_type?: string; codec_name?: string; width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string;
  nb_frames?: string; duration?: string; start_time?: string; tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number }[]; disposition?: { attached_pic?: number };
}

/** VideoInfo from ffprobe's `-show_streams -show_format` JSON; `file` names the file in errors. */
export function parseFfprobeJson(file: string, json: string): VideoInfo {
  const parsed = JSON.parse(json) as { streams?: FfprobeStream[]; format?: { duration?: string; start_time?: string } };
  const stream = (parsed.streams ?? []).find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!stream || !stream.width || !stream.height) throw new VideoError('no-video-stream', `${file}: the file has no video stream (ffprobe found ${(parsed.streams ?? []).map((s) => s.codec_type).join(', ') || 'no streams'})`);
  const matrix = stream.side_data_list?.find((d) => d.side_data_type === 'Display Matrix' && typeof d.rotation === 'number');
  // A display matrix's rotation is counter-clockwise; the old `rotate` tag is clockwise.
  const rotation = normalizeRotation(matrix ? -matrix.rotation! : Number(stream.tags?.rotate ?? 0));
  const fps = Number.isFinite(rate(stream.avg_frame_rate)) ? rate(stream.avg_frame_rate) : rate(stream.r_frame_rate);
  const durationText = stream.duration ?? parsed.format?.duration;
  const duration = durationText !== undefined && Number.isFinite(Number(durationText)) ? Number(durationText) : null;
  const counted = Number(stream.nb_frames);
  const frameCount = Number.isInteger(counted) && counted > 0 ? counted : duration !== null && Number.isFinite(fps) ? Math.round(duration * fps) : null;
  const start = Number(stream.start_time ?? parsed.format?.start_time ?? 0);
  const swap = rotation === 90 || rotation === 270;
  return {
    width: swap ? stream.height : stream.width, height: swap ? stream.width : stream.height, rotation, fps, duration, frameCount,
    startTime: Number.isFinite(start) ? start : 0, codec: stream.codec_name ?? 'unknown', probedWith: 'ffprobe',
  };
}

/** VideoInfo from the summary `ffmpeg -i file` prints on stderr (when there is no ffprobe). */
export function parseFfmpegSummary(file: string, stderr: string): VideoInfo {
  const video = /Stream #\d+:\d+[^:]*: Video: (\w+)[^\n]*?, (\d{1,5})x(\d{1,5})[^\n]*/.exec(stderr);
  if (!video || /\(attached pic\)/.test(video[0])) {
    if (/^\s*Input #/m.test(stderr)) throw new VideoError('no-video-stream', `${file}: the file has no video stream`);
    throw new VideoError('not-a-video', `${file}: not a video ffmpeg can read (${lastErrorLine(stderr, file)})`);
  }
  const fps = Number(/, ([\d.]+) fps/.exec(video[0])?.[1] ?? /, ([\d.]+) tbr/.exec(video[0])?.[1] ?? NaN);
  const time = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(stderr);
  const duration = time ? Number(time[1]) * 3600 + Number(time[2]) * 60 + Number(time[3]) : null;
  const start = Number(/Duration:[^\n]*start: (-?[\d.]+)/.exec(stderr)?.[1] ?? 0);
  const matrix = /rotation of (-?[\d.]+) degrees/.exec(stderr);
  const rotation = normalizeRotation(matrix ? -Number(matrix[1]) : Number(/^\s*rotate\s*:\s*(-?\d+)/m.exec(stderr)?.[1] ?? 0));
  const [w, h] = [Number(video[2]), Number(video[3])];
  const swap = rotation === 90 || rotation === 270;
  return {
    width: swap ? h : w, height: swap ? w : h, rotation, fps: fps > 0 ? fps : NaN, duration,
    frameCount: duration !== null && fps > 0 ? Math.round(duration * fps) : null,
    startTime: Number.isFinite(start) ? start : 0, codec: video[1]!, probedWith: 'ffmpeg',
  };
}

/** Probes `file` (ffprobe, else ffmpeg); a VideoError names the file when it is not a readable video. */
export async function probeVideo(file: string, tools: FfmpegTools): Promise<VideoInfo> {
  if (tools.ffprobe) {
    const result = await runTool(tools.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file]);
    if (result.code !== 0) throw new VideoError('not-a-video', `${file}: not a video ffprobe can read (${lastErrorLine(result.stderr, file)})`);
    return parseFfprobeJson(file, result.stdout);
  }
  // `ffmpeg -i` with no output always exits 1; the summary is on stderr.
  const result = await runTool(tools.ffmpeg, ['-hide_banner', '-nostdin', '-i', file]);
  return parseFfmpegSummary(file, result.stderr);
}
