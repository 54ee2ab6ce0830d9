// @g2rl/heatmaps: where AUs are on a face, and the Gaussian heatmap codec.
// Pure TypeScript on Float32Array: no tensor library, no Node-only API (runs in browsers).

export { AU_CATALOGUE, DISFA_AUS, BP4D_AUS, auInfo, type AuInfo } from './auCatalogue.js';
export {
  LANDMARK_SCHEMES,
  landmarkScheme,
  eyeCentres,
  interOcularDistance,
  geometryFeatures,
  type LandmarkScheme,
  type LandmarkSchemeInfo,
} from './landmarkSchemes.js';
export { MEAN_FACE_IBUG68 } from './meanFace.js';
export {
  AU_POINT_RULES,
  IBUG68_SUBSTITUTES,
  auPointRules,
  auPointFlip,
  type AuPointRule,
  type AuPointRow,
} from './auPointRules.js';
export { auPoints } from './auPoints.js';
export { defaultSigma, imageToHeatmap, heatmapToImage } from './coordinates.js';
export { mirrorPoints } from './mirrorPoints.js';
export {
  encodeHeatmaps,
  encodeHeatmapsBatch,
  gaussianPeakFactor,
  GAUSSIAN_WINDOW_SIGMAS,
  MAX_INTENSITY,
  type HeatmapNormalization,
  type HeatmapShapeOptions,
  type EncodeHeatmapsOptions,
  type EncodeHeatmapsBatchOptions,
  type EncodedHeatmaps,
} from './gaussianHeatmap.js';
export { channelMaxima, quarterPixelStep, gaussianSubpixelOffset, gaussianPeakHeight } from './heatmapMaximum.js';
export {
  decodeHeatmaps,
  decodeHeatmapsBatch,
  type DecodeHeatmapsOptions,
  type DecodedPoint,
  type DecodedHeatmaps,
} from './decodeHeatmaps.js';
export type { PointsInput } from './points.js';
