// @g2rl/heatmaps: where AUs are on a face, and the Gaussian heatmap codec.
// Pure TypeScript on Float32Array: no tensor library, no Node-only API (runs in browsers).

export { AU_CATALOGUE, DISFA_AUS, BP4D_AUS, auInfo, type AuInfo } from './au-catalogue.js';
export {
  LANDMARK_SCHEMES,
  landmarkScheme,
  eyeCentres,
  interOcularDistance,
  geometryFeatures,
  type LandmarkScheme,
  type LandmarkSchemeInfo,
} from './landmark-schemes.js';
export { MEAN_FACE_IBUG68 } from './mean-face.js';
export {
  AU_POINT_RULES,
  IBUG68_SUBSTITUTES,
  auPointRules,
  auPointFlip,
  type AuPointRule,
  type AuPointRow,
} from './au-point-rules.js';
export { auPoints } from './au-points.js';
export { defaultSigma, imageToHeatmap, heatmapToImage } from './coordinates.js';
export { mirrorPoints } from './mirror-points.js';
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
} from './gaussian-heatmap.js';
export { channelMaxima, quarterPixelStep, gaussianSubpixelOffset, gaussianPeakHeight } from './heatmap-maximum.js';
export {
  decodeHeatmaps,
  decodeHeatmapsBatch,
  type DecodeHeatmapsOptions,
  type DecodedPoint,
  type DecodedHeatmaps,
  type PointValueEstimate,
  HEIGHT_WINDOW_RADIUS,
} from './decode-heatmaps.js';
export type { PointsInput } from './points.js';
export {
  createHeatmapCodec,
  codecFromCard,
  defaultHeatmapSize,
  type HeatmapCodec,
  type HeatmapCodecSettings,
  type HeatmapCardFields,
  type DecodedFace,
} from './heatmap-codec.js';
