// @g2rl/face/browser: everything of @g2rl/face that runs in a browser (no sharp, no Node):
// the RgbImage type, affine maps, the warp, the alignment template and alignFace, and a
// face-api detector whose weights load from a URL.
export * from './rgb-image.js';
export * from './points.js';
export * from './affine.js';
export * from './warp.js';
export * from './template.js';
export * from './align.js';
export { clipBox, faceApiDetector, resolveDetectorOptions, type FaceDetector, type FaceDetectorOptions, type DetectedFace, type FaceBox, type DetectorImage } from './face-api-detector.js';
export { createBrowserFaceDetector, type BrowserFaceDetectorOptions } from './browser-detector.js';
