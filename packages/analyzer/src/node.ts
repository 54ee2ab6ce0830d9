// @g2rl/analyzer for Node: inputs are file paths, encoded bytes (JPEG, PNG, WebP, … through
// sharp) or RgbImages; the model is a folder, a loaded model, or by default the shipped
// @g2rl/model-small-synthetic; the backend is the fastest initBackend finds.
import { makeAnalyzer, type Analyzer } from './analyzer.js';
import { createNodePipeline, type NodeAnalyzerOptions } from './node-pipeline.js';
import { DEFAULT_MAX_PIXELS, decodeNodeInput, type NodeInput } from './node-input.js';

export { DEFAULT_MAX_PIXELS, MAX_SIDE, decodeNodeInput, type NodeInput } from './node-input.js';
export { createNodePipeline, defaultModelDir, type NodeAnalyzerOptions } from './node-pipeline.js';

export * from './types.js';
export * from './errors.js';
export type { Analyzer } from './analyzer.js';
export { DEFAULT_MIN_QUALITY, QUALITY_SHIFT, faceQuality, shiftConsistency, templateFit, templateResidual } from './quality.js';

/** Loads the model, the detector and the backend; the Analyzer is ready for its first image. */
export async function createAnalyzer(options: NodeAnalyzerOptions = {}): Promise<Analyzer<NodeInput>> {
  const { pipeline, backend } = await createNodePipeline(options);
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  return makeAnalyzer(pipeline, (input: NodeInput) => decodeNodeInput(input, maxPixels), backend);
}

export { auColumn, csvHeader, csvRow, csvField } from './csv.js';
export { analyzeVideo, type AnalyzeVideoOptions } from './video/analyze-video.js';
export { VideoAnalysis, DEFAULT_DETECT_EVERY, type AnalyzedFrame, type InputFrame, type VideoAnalysisOptions } from './video/video-analysis.js';
export { FaceTracker, type TrackedFace, type TrackerOptions } from './video/tracker.js';
export { decodeVideoFrames, type FrameStreamOptions, type VideoFrame } from './video/frame-stream.js';
export { locateFfmpeg, type FfmpegTools } from './video/ffmpeg-locate.js';
export { probeVideo, type VideoInfo } from './video/probe.js';
export { readImageSequence } from './video/image-sequence.js';
export { CALIBRATION_PERCENTILE, calibrateSeries, percentile, type CalibrationMode } from './video/calibration.js';
export { smoothSeries } from './video/smoothing.js';
export { SeriesAdjustment, adjustRows, type AdjustmentOptions } from './video/series-adjustment.js';
export { VideoError, type VideoErrorCode } from './video/video-error.js';
export type { VideoRow } from './video/openface-csv.js';
export { siteFiles, modelSiteFiles, faceApiSiteFiles, webAssetsDir, writeStaticSite, type SiteFile } from './web/static-site.js';
export { LiveSession, sessionCsv, type LiveFrame, type LiveSessionOptions, type StageTimes } from './web/live-session.js';
