// g2rl-analyze on videos and image sequences: one output file per video, one row per frame
// per face (OpenFace's columns), a progress bar, Ctrl-C leaving the frames done in
// <name>.partial.csv and --resume continuing it. cli.ts hands videos here.
import { closeSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { LANDMARK_SCHEMES } from '@g2rl/heatmaps';
import type { FacePipeline } from '../pipeline.js';
import { CALIBRATION_MODES, type CalibrationMode } from './calibration.js';
import { locateFfmpeg } from './ffmpeg-locate.js';
import { decodeVideoFrames } from './frame-stream.js';
import { readImageSequence } from './image-sequence.js';
import { videoCsvHeader } from './openface-csv.js';
import { probeVideo, type VideoInfo } from './probe.js';
import { formatDuration, progressLine } from './progress-bar.js';
import { sniffMediaKind, VIDEO_EXTENSIONS } from './sniff.js';
import { VideoAnalysis, type InputFrame } from './video-analysis.js';
import { VideoError } from './video-error.js';
import { PartialWriter, finishOutput, outputPaths, type RowShape, type RunSettings } from './video-output.js';

export interface VideoJob {
  kind: 'video' | 'sequence';
  path: string;
}

export interface VideoRunOptions {
  /** The final file of this video. */
  out: string;
  format: 'csv' | 'jsonl';
  start?: number;
  end?: number;
  every: number;
  detectEvery: number;
  maxFaces: number;
  minQuality: number;
  calibrate: CalibrationMode;
  smooth: number;
  resume: boolean;
  /** Frames per second of an image sequence. */
  fps: number;
  /** Draw the progress bar (stderr is a terminal and not --quiet). */
  showBar: boolean;
  /** Set when the user pressed Ctrl-C: the run stops after the frames in flight. */
  stop: { requested: boolean };
}

export interface VideoRunSummary {
  file: string;
  out: string;
  frames: number;
  framesWithFace: number;
  faceIds: number;
  interrupted: boolean;
  seconds: number;
  warnings: string[];
  info: VideoInfo | null;
  detections: number;
}

/** 'video' when the file's first bytes say so (or say nothing and the name is a video's), else 'image'. */
export function mediaKindOf(path: string): 'video' | 'image' {
  let head = new Uint8Array(0);
  try {
    const fd = openSync(path, 'r');
    head = new Uint8Array(376);
    const n = readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    head = head.subarray(0, n);
  } catch {
    return VIDEO_EXTENSIONS.test(path) ? 'video' : 'image'; // unreadable: reported by whichever path takes it
  }
  const kind = sniffMediaKind(head);
  if (kind !== 'unknown') return kind;
  return VIDEO_EXTENSIONS.test(path) ? 'video' : 'image';
}

/** The final file for `input` given --out (a file, a folder, or none: the current folder). */
export function outputFor(input: string, out: string | undefined, outIsFolder: boolean, format: 'csv' | 'jsonl'): string {
  const name = `${basename(input).replace(/\/$/, '').replace(extname(input), '')}.${format}`;
  if (!out) return resolve(name);
  return outIsFolder ? join(resolve(out), name) : resolve(out);
}

/** Analyses one video or image sequence into `options.out`; throws a VideoError for input it cannot read. */
export async function runVideoJob(pipeline: FacePipeline, job: VideoJob, options: VideoRunOptions): Promise<VideoRunSummary> {
  const started = Date.now();
  const warnings: string[] = [];
  let warningCount = 0;
  const warn = (line: string): void => { warningCount++; if (warnings.length < 3 && !warnings.includes(line)) warnings.push(line); };
  let info: VideoInfo | null = null;
  let frames: AsyncIterable<InputFrame>;
  let total: number | null = null;
  const tools = job.kind === 'video' ? locateFfmpeg() : null;
  if (job.kind === 'video') {
    info = await probeVideo(job.path, tools!);
    if (info.frameCount === 0 || info.duration === 0) throw new VideoError('no-frames', `${job.path}: the video has no frames`);
    const span = (Math.min(options.end ?? Infinity, info.duration ?? Infinity) - (options.start ?? 0));
    total = Number.isFinite(span) && Number.isFinite(info.fps) ? Math.max(0, Math.ceil((span * info.fps) / options.every)) : info.frameCount;
    frames = decodeVideoFrames(job.path, tools!, { start: options.start, end: options.end, every: options.every, fps: info.fps, onWarning: warn });
  } else {
    frames = readImageSequence(job.path, { fps: options.fps, start: options.start, end: options.end, every: options.every, onWarning: warn });
  }
  const card = pipeline.card;
  const landmarkCount = LANDMARK_SCHEMES[card.scheme].size;
  const shape: RowShape = { header: videoCsvHeader(card.aus, landmarkCount).join(','), landmarkCount, auCount: card.aus.length };
  const stat = statSync(job.path);
  const settings: RunSettings = {
    input: resolve(job.path), bytes: stat.isDirectory() ? null : stat.size, modified: Math.round(stat.mtimeMs),
    start: options.start ?? null, end: options.end ?? null, every: options.every, detectEvery: options.detectEvery,
    maxFaces: options.maxFaces, minQuality: options.minQuality, fps: job.kind === 'sequence' ? options.fps : null,
    aus: card.aus, model: card.preset, trained: JSON.stringify(card.training ?? null).slice(0, 200),
  };
  const paths = outputPaths(options.out);
  const analysis = new VideoAnalysis(pipeline, { detectEvery: options.detectEvery, maxFaces: options.maxFaces, minQuality: options.minQuality, onWarning: warn });
  let writer: PartialWriter;
  let doneBefore = 0;
  let lastFrame = 0;
  if (options.resume) {
    const resumed = await PartialWriter.resume(paths, shape, settings);
    writer = resumed.writer;
    doneBefore = resumed.framesDone;
    lastFrame = resumed.lastFrame;
    analysis.tracker.seed(resumed.lastRows.filter((r) => r.success && r.landmarks).map((r) => ({ id: r.faceId, ibug68: r.landmarks! })), resumed.nextId);
    // The same frames are decoded again from the start, and those already done are skipped: the
    // resumed rows are exactly those of an uninterrupted run.
    const source = frames;
    frames = (async function* () { for await (const f of source) if (f.frame > lastFrame) yield f; })();
  } else {
    writer = PartialWriter.create(paths, shape, settings);
  }

  let done = doneBefore;
  let withFace = 0;
  const ids = new Set<number>();
  let interrupted = false;
  let shown = 0;
  const analysedFrom = Date.now();
  const pending: Parameters<PartialWriter['append']>[0][number][] = [];
  try {
    for await (const frame of analysis.run(frames)) {
      pending.push(frame);
      done++;
      if (frame.rows.some((r) => r.success)) withFace++;
      for (const r of frame.rows) if (r.success) ids.add(r.faceId);
      // Each frame's rows reach the file before the next batch is analysed.
      if (pending.length >= 8) { writer.append(pending); pending.length = 0; }
      if (process.env.G2RL_PROGRESS === 'lines' && total !== null && Date.now() - shown > 1000) {
        // machine-readable progress for a queue worker running this CLI (analysis-worker.ts)
        shown = Date.now();
        process.stderr.write(`progress ${done} ${total}\n`);
      } else if (options.showBar && Date.now() - shown > 200) {
        shown = Date.now();
        process.stderr.write(`\r${progressLine(done - doneBefore, total === null ? null : total - doneBefore, (Date.now() - analysedFrom) / 1000, 'frames')} `);
      }
      if (options.stop.requested) { interrupted = true; break; }
    }
  } finally {
    writer.append(pending);
    writer.close();
    if (options.showBar) process.stderr.write('\n');
  }
  if (done === 0) {
    rmSync(paths.partial, { force: true });
    rmSync(paths.meta, { force: true });
  }
  if (done === 0) throw new VideoError('no-frames', `${job.path}: no frame could be decoded${warnings[0] ? ` (${warnings[0]})` : ''}`);
  if (warningCount > warnings.length) warnings.push(`… ${warningCount - warnings.length} more decoding messages`);
  // A damaged file decodes partly without failing: say how much of it was read.
  const expected = total === null ? null : total;
  if (!interrupted && job.kind === 'video' && expected !== null && done < expected * 0.98 - 1) {
    warnings.push(`decoded ${done} of the ${expected} frames the container announces: the file looks truncated or damaged`);
  }
  if (!interrupted) await finishOutput(paths, shape, { format: options.format, aus: card.aus, calibration: options.calibrate, smooth: options.smooth });
  return { file: job.path, out: interrupted ? paths.partial : paths.out, frames: done, framesWithFace: withFace, faceIds: ids.size, interrupted, seconds: (Date.now() - started) / 1000, warnings, info, detections: analysis.tracker.counts.detections };
}

/** The one-line summary of a finished (or interrupted) video. */
export function describeRun(s: VideoRunSummary): string {
  const what = s.interrupted ? `interrupted after ${s.frames} frames; the frames done are in ${s.out} — run again with --resume to continue` : `${s.frames} frames → ${s.out}`;
  return `${s.file}: ${what} (${s.framesWithFace} with a face, ${s.faceIds} face id${s.faceIds === 1 ? '' : 's'}, ${s.detections} detector runs, ${formatDuration(s.seconds)})`;
}

export function parseCalibration(value: string | undefined, fallback: CalibrationMode): CalibrationMode {
  if (value === undefined) return fallback;
  if (!(CALIBRATION_MODES as readonly string[]).includes(value)) throw new VideoError('invalid-option', `--calibrate must be ${CALIBRATION_MODES.join(', ')}, got ${value}`);
  return value as CalibrationMode;
}
