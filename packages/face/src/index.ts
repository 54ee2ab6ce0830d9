export * from './image.js';
export * from './points.js';
export * from './affine.js';
export * from './warp.js';
export * from './template.js';
export * from './align.js';
export { createFaceDetector, faceApiModelDir, clipBox, type FaceDetector, type FaceDetectorOptions, type DetectedFace, type FaceBox, type DetectorImage } from './detector.js';
