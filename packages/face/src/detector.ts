// The Node loader of the face detector: @vladmandic/face-api's wasm build (sharing the
// process's @tensorflow/tfjs), weights read from the installed package's `model/` folder;
// nothing is ever fetched from the network. The detector itself is face-api-detector.ts.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { blazefaceModelFile, loadBlazefaceModel } from './blazeface-loader.js';
import { DEFAULT_DETECTOR, FALLBACK_DETECTOR, faceApiDetector, resolveDetectorOptions, type DetectorKind, type FaceApiModule, type FaceDetector, type FaceDetectorOptions } from './face-api-detector.js';

export { clipBox, DEFAULT_DETECTOR, DETECTORS, FALLBACK_DETECTOR, type DetectedFace, type DetectorImage, type DetectorKind, type FaceBox, type FaceDetector, type FaceDetectorOptions } from './face-api-detector.js';
export { blazefaceModelFile, loadBlazefaceModel } from './blazeface-loader.js';

// import.meta.url is shimmed in the CJS build (tsup shims)
const localRequire = createRequire(import.meta.url);
const FACE_API_ENTRY = '@vladmandic/face-api/dist/face-api.node-wasm.js';

/** Path of the weights folder inside the installed @vladmandic/face-api. */
export function faceApiModelDir(): string {
  return join(dirname(localRequire.resolve(FACE_API_ENTRY)), '..', 'model');
}

/** DEFAULT_DETECTOR when its weights are installed, else FALLBACK_DETECTOR. */
export function nodeDefaultDetector(): DetectorKind {
  if (DEFAULT_DETECTOR !== 'blazeface') return DEFAULT_DETECTOR;
  try {
    blazefaceModelFile();
    return DEFAULT_DETECTOR;
  } catch {
    return FALLBACK_DETECTOR;
  }
}

/**
 * Load face-api (wasm build, sharing the process's @tensorflow/tfjs) and its detector and
 * 68-landmark weights from disk. The tfjs backend is whatever is active (call
 * `initBackend()` from @g2rl/backend first to choose one); every tensor made here is disposed.
 */
export async function createFaceDetector(options: FaceDetectorOptions = {}): Promise<FaceDetector> {
  const settings = resolveDetectorOptions(options, options.modelDir ?? faceApiModelDir(), nodeDefaultDetector());
  const faceapi = localRequire(FACE_API_ENTRY) as FaceApiModule;
  await faceapi.tf.ready();
  const detectorNet = settings.detector === 'ssd' ? faceapi.nets.ssdMobilenetv1 : settings.detector === 'tiny' ? faceapi.nets.tinyFaceDetector : undefined;
  const blazeface = settings.detector === 'blazeface' ? await loadBlazefaceModel() : undefined;
  try {
    if (detectorNet && !detectorNet.isLoaded) await detectorNet.loadFromDisk!(settings.modelDir);
    if (!faceapi.nets.faceLandmark68Net.isLoaded) await faceapi.nets.faceLandmark68Net.loadFromDisk!(settings.modelDir);
  } catch (error) {
    throw new Error(`createFaceDetector: could not load face-api weights from ${settings.modelDir}: ${(error as Error).message}`);
  }
  return faceApiDetector(faceapi, settings, blazeface);
}
