export * from './sample.js';
export * from './errors.js';
export * from './protocols.js';
export { readManifest, type ManifestOptions } from './readers/manifest.js';
export { readDisfa, landmarksFromMat, type DisfaOptions, type DisfaSampleList, type DisfaSubjectSummary } from './readers/disfa.js';
export { disfaLayout, listDisfaVideos, DISFA_CAMERAS, type DisfaCamera, type DisfaLayout, type DisfaLayoutOptions } from './readers/disfa-layout.js';
export {
  chooseLandmarkNumbering,
  listDisfaLandmarkFiles,
  DisfaFrameCountError,
  DISFA_LANDMARK_NUMBERINGS,
  type DisfaLandmarkFiles,
  type DisfaLandmarkNaming,
  type DisfaLandmarkNumbering,
  type DisfaNumberingChoice,
} from './readers/disfa-landmark-files.js';
export { readBp4d, type Bp4dOptions } from './readers/bp4d.js';
export { readMatV5, writeMatV5, matRows, hdf5Kind, MatFileError, MAT_MAX_INFLATED_BYTES, type MatArray } from './readers/mat-v5.js';
export { extractFrames, type ExtractFramesOptions } from './readers/frames.js';
export { extractDisfaFrames, type DisfaExtraction, type DisfaFramesOptions } from './readers/disfa-frames.js';
export * from './loader/augment.js';
export { allocateBatch, fillSlot, makeBatchShape, type BatchShape, type TrainingBatch } from './loader/batch.js';
export { cacheAlignedCrops, type AlignedCropCache, type CacheOptions } from './loader/cache.js';
export { BatchLoader, type BatchLoaderOptions, type LoaderState } from './loader/batch-loader.js';
export * from './synthetic/index.js';
