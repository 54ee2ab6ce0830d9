// The browser loader of the face detector: @vladmandic/face-api's ESM build without its own
// tfjs (it uses the page's @tensorflow/tfjs), weights fetched from `modelUrl` — a folder the
// application serves itself (e.g. g2rl-serve's /face-api/), never a CDN.
import * as faceapiModule from '@vladmandic/face-api/dist/face-api.esm-nobundle.js';
import { faceApiDetector, resolveDetectorOptions, type FaceApiModule, type FaceDetector, type FaceDetectorOptions } from './face-api-detector.js';

export interface BrowserFaceDetectorOptions extends Omit<FaceDetectorOptions, 'modelDir'> {
  /** URL of the folder with face-api's weight manifests (`ssd_mobilenetv1_model-weights_manifest.json`, …). */
  modelUrl: string;
}

/** Loads face-api's detector and 68-landmark nets from `modelUrl` on the active tfjs backend. */
export async function createBrowserFaceDetector(options: BrowserFaceDetectorOptions): Promise<FaceDetector> {
  if (typeof options?.modelUrl !== 'string' || options.modelUrl === '') {
    throw new Error('createBrowserFaceDetector: options.modelUrl (the folder of face-api weights) is required');
  }
  const url = options.modelUrl.replace(/\/+$/, '');
  const settings = resolveDetectorOptions(options, url);
  if (settings.detector === 'blazeface') throw new Error("createBrowserFaceDetector: detector 'blazeface' is available in Node only (createFaceDetector); use 'ssd' or 'tiny'");
  const faceapi = faceapiModule as unknown as FaceApiModule;
  await faceapi.tf.ready();
  const detectorNet = settings.detector === 'ssd' ? faceapi.nets.ssdMobilenetv1 : faceapi.nets.tinyFaceDetector;
  try {
    if (!detectorNet.isLoaded) await detectorNet.loadFromUri!(url);
    if (!faceapi.nets.faceLandmark68Net.isLoaded) await faceapi.nets.faceLandmark68Net.loadFromUri!(url);
  } catch (error) {
    throw new Error(`createBrowserFaceDetector: could not load face-api weights from ${url}: ${(error as Error).message}`);
  }
  return faceApiDetector(faceapi, settings);
}
