export {};
export { createFaceDetector, faceApiModelDir, clipBox, type FaceDetector, type FaceDetectorOptions, type DetectedFace, type FaceBox, type DetectorImage } from './detector';
