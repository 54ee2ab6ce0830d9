// @g2rl/face/browser: @g2rl/face/pure plus a face-api detector (its ESM build on the page's
// tfjs) whose weights load from a URL (BlazeFace: its graph model from a URL too). No Node module.
export * from './pure.js';
export { createBrowserFaceDetector, type BrowserFaceDetectorOptions } from './browser-detector.js';
