// Frames in, rows out: the tracker finds each frame's faces (landmarks are sequential, each
// frame's boxes come from the last), the G2RL model runs once per batch of frames on all
// their face crops, and each frame comes out with its rows in frame order.
import type { RgbImage } from '@g2rl/face/pure';
import type { FacePipeline } from '../pipeline.js';
import type { AnalyzeOptions, FaceResult, ImageResult } from '../types.js';
import type { VideoRow } from './openface-csv.js';
import { FaceTracker, type TrackedFace, type TrackerFaceSource } from './tracker.js';

/** A frame to analyse; `image` null when it could not be read (it gets a success = 0 row). */
export interface InputFrame {
  frame: number;
  timestamp: number;
  image: RgbImage | null;
}

export interface VideoAnalysisOptions {
  /** Detector every this many frames (1 = on every frame, no tracking). */
  detectEvery: number;
  maxFaces: number;
  minQuality: number;
  /** On tracked frames, the quality check's second landmark pass every this many frames (FaceTracker). Default 1. */
  shiftCheckEvery?: number;
  /** Frames per model call (all their faces in one batch). Default 8. */
  batchFrames?: number;
  /** Told about a frame the model could not analyse (it becomes a success = 0 row). */
  onWarning?: (line: string) => void;
  /** What the tracker detects and checks faces with; default the pipeline (a wrapper may time its stages). */
  faceSource?: TrackerFaceSource;
}

/** A frame's rows: one per face in id order, or one success = 0 row (face_id 0) when there is none. */
export interface AnalyzedFrame {
  frame: number;
  timestamp: number;
  rows: VideoRow[];
  /** The model's whole result for each face row (AU points, peaks; for drawing), in the rows' order; none for a success = 0 row. */
  faces: FaceResult[];
}

/** Defaults chosen in the README (speed vs the detector on every frame). */
export const DEFAULT_DETECT_EVERY = 10;
export const DEFAULT_BATCH_FRAMES = 8;

export class VideoAnalysis {
  readonly tracker: FaceTracker;

  constructor(private readonly pipeline: FacePipeline, private readonly options: VideoAnalysisOptions) {
    this.tracker = new FaceTracker(options.faceSource ?? pipeline, { detectEvery: options.detectEvery, maxFaces: options.maxFaces, minQuality: options.minQuality, shiftCheckEvery: options.shiftCheckEvery });
  }

  /** Rows for each frame of `frames`, in order; stops when `frames` ends (or the caller stops). */
  async *run(frames: AsyncIterable<InputFrame>): AsyncGenerator<AnalyzedFrame> {
    const batch: { input: InputFrame; faces: TrackedFace[] }[] = [];
    const batchFrames = this.options.batchFrames ?? DEFAULT_BATCH_FRAMES;
    for await (const input of frames) {
      const faces = input.image ? await this.tracker.step(input.image) : [];
      batch.push({ input, faces });
      if (batch.length >= batchFrames) yield* await this.flush(batch);
    }
    yield* await this.flush(batch);
  }

  /** One frame now, without batching (a live source, where the next frame waits for this one). */
  async step(input: InputFrame): Promise<AnalyzedFrame> {
    const faces = input.image ? await this.tracker.step(input.image) : [];
    return (await this.flush([{ input, faces }]))[0]!;
  }

  /** One model call for every face of the batch; empties `batch`. */
  private async flush(batch: { input: InputFrame; faces: TrackedFace[] }[]): Promise<AnalyzedFrame[]> {
    const images: RgbImage[] = [];
    const options: AnalyzeOptions[] = [];
    for (const { input, faces } of batch) {
      for (const face of faces) {
        images.push(input.image!);
        options.push({ landmarks: face.landmarks });
      }
    }
    const results = images.length > 0 ? await this.pipeline.analyze(images, options) : [];
    let next = 0;
    const out = batch.map(({ input, faces }): AnalyzedFrame => {
      const rows: VideoRow[] = [];
      const described: FaceResult[] = [];
      for (const face of faces) {
        const result = results[next++]!;
        if (result instanceof Error) {
          this.options.onWarning?.(`frame ${input.frame}, face ${face.id}: ${result.message}`);
          continue;
        }
        const face0 = (result as ImageResult).faces[0]!;
        const aus = Float32Array.from(face0.aus, (a) => Math.min(5, Math.max(0, a.intensity)));
        described.push(face0);
        rows.push({ frame: input.frame, faceId: face.id, timestamp: input.timestamp, confidence: face.quality, success: 1, landmarks: face.landmarks, aus });
      }
      if (rows.length === 0) rows.push({ frame: input.frame, faceId: 0, timestamp: input.timestamp, confidence: 0, success: 0, landmarks: null, aus: null });
      return { frame: input.frame, timestamp: input.timestamp, rows, faces: described };
    });
    batch.length = 0;
    return out;
  }
}
