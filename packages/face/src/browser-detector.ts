// The browser loader of the face detector: @vladmandic/face-api's ESM build without its own
// tfjs (it uses the page's @tensorflow/tfjs), weights fetched from `modelUrl` — a folder the
// application serves itself (e.g. g2rl-serve's /face-api/), never a CDN.
import * as tf from '@tensorflow/tfjs';
import * as faceapiModule from '@vladmandic/face-api/dist/face-api.esm-nobundle.js';
import { blazefaceAnchors, type BlazefaceModel } from './blazeface.js';
import { faceApiDetector, resolveDetectorOptions, type FaceApiModule, type FaceDetector, type FaceDetectorOptions } from './face-api-detector.js';

export interface BrowserFaceDetectorOptions extends Omit<FaceDetectorOptions, 'modelDir'> {
  /** URL of the folder with face-api's weight manifests (`ssd_mobilenetv1_model-weights_manifest.json`, …). */
  modelUrl: string;
  /** With detector 'blazeface': URL of BlazeFace's graph model (@vladmandic/human's models/blazeface.json and .bin). Default `<modelUrl>/blazeface.json`. */
  blazefaceUrl?: string;
}

/** Loads face-api's detector and 68-landmark nets from `modelUrl` on the active tfjs backend. */
export async function createBrowserFaceDetector(options: BrowserFaceDetectorOptions): Promise<FaceDetector> {
  if (typeof options?.modelUrl !== 'string' || options.modelUrl === '') {
    throw new Error('createBrowserFaceDetector: options.modelUrl (the folder of face-api weights) is required');
  }
  const url = options.modelUrl.replace(/\/+$/, '');
  const settings = resolveDetectorOptions(options, url);
  const faceapi = faceapiModule as unknown as FaceApiModule;
  await faceapi.tf.ready();
  const detectorNet = settings.detector === 'ssd' ? faceapi.nets.ssdMobilenetv1 : settings.detector === 'tiny' ? faceapi.nets.tinyFaceDetector : undefined;
  let blazeface: BlazefaceModel | undefined;
  try {
    if (settings.detector === 'blazeface') {
      const where = options.blazefaceUrl ?? `${url}/blazeface.json`;
      blazeface = { tf, model: await tf.loadGraphModel(where).catch((error: Error) => { throw new Error(`${where}: ${error.message}`); }), anchors: blazefaceAnchors() };
    }
    if (detectorNet && !detectorNet.isLoaded) await detectorNet.loadFromUri!(url);
    if (!faceapi.nets.faceLandmark68Net.isLoaded) await faceapi.nets.faceLandmark68Net.loadFromUri!(url);
  } catch (error) {
    throw new Error(`createBrowserFaceDetector: could not load face-api weights from ${url}: ${(error as Error).message}`);
  }
  return faceApiDetector(faceapi, settings, blazeface);
}
