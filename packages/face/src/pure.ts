// @g2rl/face/pure: the part of @g2rl/face that imports no Node module and no face-api build:
// the RgbImage type, affine maps, the warp, the alignment template and alignFace, and the
// face-api detector over a module the caller loaded. Runs in Node and in browsers.
export * from './rgb-image.js';
export * from './points.js';
export * from './affine.js';
export * from './warp.js';
export * from './template.js';
export * from './align.js';
export { iou } from './box-overlap.js';
export { clipBox, faceApiDetector, resolveDetectorOptions, type FaceDetector, type FaceDetectorOptions, type DetectedFace, type FaceBox, type DetectorImage, type FaceApiModule } from './face-api-detector.js';
