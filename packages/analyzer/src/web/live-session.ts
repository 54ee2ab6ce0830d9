// A live session, without the DOM: each frame grabbed from the camera or a video goes
// through the video path (FaceTracker between detections, one model call, the same rows as
// g2rl-analyze writes for a video), timed per stage; the rows are recorded for the CSV.
import type { RgbImage } from '@g2rl/face/pure';
import { LANDMARK_SCHEMES } from '@g2rl/heatmaps';
import type { FacePipeline } from '../pipeline.js';
import type { CalibrationMode } from '../video/calibration.js';
import { videoCsvHeader, videoCsvLine, type VideoRow } from '../video/openface-csv.js';
import { adjustRows } from '../video/series-adjustment.js';
import type { TrackerFaceSource } from '../video/tracker.js';
import { VideoAnalysis, type AnalyzedFrame } from '../video/video-analysis.js';
import { RateMeter } from './rate-meter.js';

export interface LiveSessionOptions {
  /** Detector every this many frames, tracked in between (1 = every frame). */
  detectEvery: number;
  maxFaces: number;
  minQuality: number;
  /** On tracked frames, the quality check's second landmark pass every this many frames (FaceTracker). Default 1. */
  shiftCheckEvery?: number;
  /** Keep the pixels of the first this many frames (to check the page against Node on the same frames). Default 0. */
  keepFrames?: number;
}

/** Milliseconds of one frame per stage: detector, landmarks + quality check, alignment + model + decoding. */
export interface StageTimes {
  detect: number;
  landmarks: number;
  model: number;
  total: number;
}

export interface LiveFrame extends AnalyzedFrame {
  timings: StageTimes;
  /** True when the detector ran on this frame (else the faces were tracked). */
  detected: boolean;
}

const now = (): number => performance.now();

export class LiveSession {
  private readonly analysis: VideoAnalysis;
  private readonly timer: StageTimes = { detect: 0, landmarks: 0, model: 0, total: 0 };
  private readonly meter = new RateMeter(1000);
  private readonly sums: StageTimes = { detect: 0, landmarks: 0, model: 0, total: 0 };
  /** The recorded rows (all frames since the start or the last clear), in frame order. */
  readonly rows: VideoRow[] = [];
  /** The first `keepFrames` frames' pixels and timestamps. */
  readonly kept: { frame: number; timestamp: number; image: RgbImage }[] = [];
  /** Frames processed (numbered from 1 in the rows). */
  frames = 0;
  detections = 0;

  constructor(readonly pipeline: FacePipeline, private readonly options: LiveSessionOptions) {
    const timed = <K extends keyof TrackerFaceSource>(name: K, stage: 'detect' | 'landmarks'): TrackerFaceSource[K] =>
      (async (...args: Parameters<TrackerFaceSource[K]>) => {
        const start = now();
        try {
          return await (pipeline[name] as (...a: typeof args) => ReturnType<TrackerFaceSource[K]>).apply(pipeline, args);
        } finally {
          this.timer[stage] += now() - start;
        }
      }) as TrackerFaceSource[K];
    const faceSource: TrackerFaceSource = { detectBoxes: timed('detectBoxes', 'detect'), checkFaces: timed('checkFaces', 'landmarks') };
    this.analysis = new VideoAnalysis(pipeline, { detectEvery: options.detectEvery, maxFaces: options.maxFaces, minQuality: options.minQuality, shiftCheckEvery: options.shiftCheckEvery, faceSource });
  }

  /** The model's AUs, in the card's order. */
  get aus(): readonly number[] {
    return this.pipeline.card.aus;
  }

  /** Analyses one frame taken at `timestamp` seconds; its rows are recorded. */
  async process(image: RgbImage, timestamp: number): Promise<LiveFrame> {
    const frame = this.frames + 1;
    if (this.kept.length < (this.options.keepFrames ?? 0)) this.kept.push({ frame, timestamp, image });
    this.timer.detect = 0;
    this.timer.landmarks = 0;
    const before = this.analysis.tracker.counts.detections;
    const start = now();
    const result = await this.analysis.step({ frame, timestamp, image });
    const total = now() - start;
    this.frames = frame;
    const timings: StageTimes = { detect: this.timer.detect, landmarks: this.timer.landmarks, model: Math.max(0, total - this.timer.detect - this.timer.landmarks), total };
    for (const k of Object.keys(timings) as (keyof StageTimes)[]) this.sums[k] += timings[k];
    const detected = this.analysis.tracker.counts.detections > before;
    if (detected) this.detections++;
    this.rows.push(...result.rows);
    this.meter.tick(now());
    return { ...result, timings, detected };
  }

  /** Frames per second over the last second. */
  fps(): number {
    return this.meter.rate();
  }

  /** Milliseconds of each stage summed over the frames since the start (a bench takes differences). */
  totals(): StageTimes & { frames: number; detections: number } {
    return { ...this.sums, frames: this.frames, detections: this.detections };
  }

  /** Mean milliseconds per frame of each stage since the start. */
  meanTimings(): StageTimes {
    const n = Math.max(1, this.frames);
    return { detect: this.sums.detect / n, landmarks: this.sums.landmarks / n, model: this.sums.model / n, total: this.sums.total / n };
  }

  /** The recorded session as g2rl-analyze writes a video's CSV (same header and formatting), calibrated per face as asked. */
  csv(calibration: CalibrationMode, smooth = 1): string {
    return sessionCsv(this.rows, this.aus, LANDMARK_SCHEMES[this.pipeline.card.scheme].size, calibration, smooth);
  }

  /** Forgets the recorded rows and the timings (the tracker keeps its faces and ids). */
  clearRecording(): void {
    this.rows.length = 0;
    this.frames = 0;
    this.detections = 0;
    for (const k of Object.keys(this.sums) as (keyof StageTimes)[]) this.sums[k] = 0;
    this.meter.reset();
  }
}

/** Rows (time order) → the CSV text: header, then one line per row, after per-face calibration and smoothing. */
export function sessionCsv(rows: readonly VideoRow[], aus: readonly number[], landmarkCount: number, calibration: CalibrationMode, smooth = 1): string {
  const adjusted = adjustRows(rows, aus.length, { calibration, smooth });
  const lines = [videoCsvHeader(aus, landmarkCount).join(','), ...adjusted.map((r) => videoCsvLine(r, landmarkCount, aus.length))];
  return `${lines.join('\n')}\n`;
}
