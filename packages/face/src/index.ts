export * from './image.js';
export * from './points.js';
export * from './affine.js';
export * from './warp.js';
export * from './template.js';
export * from './align.js';
export {
  createFaceDetector,
  faceApiModelDir,
  clipBox,
  blazefaceModelFile,
  loadBlazefaceModel,
  DEFAULT_DETECTOR,
  DETECTORS,
  FALLBACK_DETECTOR,
  nodeDefaultDetector,
  type DetectorKind,
  type FaceDetector,
  type FaceDetectorOptions,
  type DetectedFace,
  type FaceBox,
  type DetectorImage,
} from './detector.js';
export { BLAZEFACE_INPUT, BLAZEFACE_TO_SSD, blazefaceAnchors, blazefaceBoxes, decodeBlazeface, type BlazefaceModel } from './blazeface.js';
export { iou } from './box-overlap.js';
