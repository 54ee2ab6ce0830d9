// The video API for Node: a file (or a folder of numbered frames) in, its frames' rows out,
// as an async iterator (memory stays flat; stop iterating to stop decoding).
import { createNodePipeline, type NodeAnalyzerOptions } from '../node-pipeline.js';
import { locateFfmpeg } from './ffmpeg-locate.js';
import { decodeVideoFrames } from './frame-stream.js';
import { readImageSequence } from './image-sequence.js';
import { probeVideo } from './probe.js';
import { DEFAULT_DETECT_EVERY, VideoAnalysis, type AnalyzedFrame } from './video-analysis.js';

export interface AnalyzeVideoOptions extends NodeAnalyzerOptions {
  /** Seconds. */
  start?: number;
  end?: number;
  /** Every n-th frame; default 1. */
  every?: number;
  /** Detector every n frames, tracked in between; default DEFAULT_DETECT_EVERY (1 = every frame). */
  detectEvery?: number;
  /** Read `path` as a folder of numbered frames at this frame rate. */
  sequenceFps?: number;
}

/**
 * Per frame, one row per face (`VideoRow`: frame, face id, timestamp, quality, 68 landmarks,
 * A intensities) or one `success = 0` row. Uncalibrated: see `calibrateSeries` and
 * `smoothSeries` for a face's series. Throws a VideoError naming the file for bad input.
 */
export async function* analyzeVideo(path: string, options: AnalyzeVideoOptions = {}): AsyncGenerator<AnalyzedFrame> {
  const { pipeline } = await createNodePipeline(options);
  try {
    let frames;
    if (options.sequenceFps !== undefined) {
      frames = readImageSequence(path, { fps: options.sequenceFps, start: options.start, end: options.end, every: options.every });
    } else {
      const tools = locateFfmpeg();
      const info = await probeVideo(path, tools);
      frames = decodeVideoFrames(path, tools, { start: options.start, end: options.end, every: options.every, fps: info.fps });
    }
    const analysis = new VideoAnalysis(pipeline, {
      detectEvery: options.detectEvery ?? DEFAULT_DETECT_EVERY, maxFaces: options.maxFaces ?? pipeline.settings.maxFaces, minQuality: options.minQuality ?? pipeline.settings.minQuality,
    });
    yield* analysis.run(frames);
  } finally {
    pipeline.model.dispose();
  }
}
