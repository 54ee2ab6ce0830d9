// Face detection and 68 iBUG landmarks with @vladmandic/face-api, whatever build and weight
// source: the Node loader (detector.ts: wasm build, weights from the installed package) and
// the browser loader (browser-detector.ts: the page's tfjs, weights from a URL) both end here.
// No Node module is imported: this file runs in browsers.
import { blazefaceBoxes, type BlazefaceModel } from './blazeface.js';
import type { RgbImage } from './rgb-image.js';

/** The detector's input: an `RgbImage` (row-major, channels-last RGB). */
export type DetectorImage = RgbImage;

/** A face box in image pixels (top-left corner, size). */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** One detected face: box, detector confidence in [0, 1], landmarks `Float32Array 68×2` (x, y in image pixels, iBUG-68 order). */
export interface DetectedFace {
  box: FaceBox;
  score: number;
  landmarks: Float32Array;
}

/** The face detectors (box finders) on offer. */
export const DETECTORS = ['ssd', 'tiny', 'blazeface'] as const;
export type DetectorKind = (typeof DETECTORS)[number];

/**
 * The default detector in Node, chosen from measured recall and speed (packages/face/README.md:
 * BlazeFace found 71 of 72 synthetic faces of 48–288 px and 22 of 24 faces in real photos, SSD
 * 50 and 23, Tiny 57 and 21, at 23 ms per 640×480 frame against SSD's 144 and Tiny's 68).
 * Without its weights (the optional @vladmandic/human) and in browsers: FALLBACK_DETECTOR.
 */
export const DEFAULT_DETECTOR: DetectorKind = 'blazeface';
export const FALLBACK_DETECTOR: DetectorKind = 'ssd';

export interface FaceDetectorOptions {
  /**
   * `'ssd'` (face-api's SSD MobileNet v1: slowest, finds small and turned faces), `'tiny'`
   * (face-api's Tiny Face Detector) or `'blazeface'` (MediaPipe's BlazeFace, weights from
   * @vladmandic/human; Node loader only). Default: DEFAULT_DETECTOR when its weights are
   * installed, else FALLBACK_DETECTOR (browsers: FALLBACK_DETECTOR). The 68 landmarks always
   * come from face-api's landmark net.
   */
  detector?: DetectorKind;
  /** Minimum detector score in (0, 1). Default 0.5. */
  minConfidence?: number;
  /** At most this many faces per image, highest scores first. Default 10. */
  maxFaces?: number;
  /** Tiny detector input size (a multiple of 32). Default 416. */
  tinyInputSize?: number;
  /** Folder with the face-api weight manifests; default the installed package's `model/`. */
  modelDir?: string;
}

export interface FaceDetector {
  /** Boxes and 68 landmarks for every face, highest score first. */
  detect(image: DetectorImage): Promise<DetectedFace[]>;
  /** Boxes only (the first stage of `detect`), highest score first. */
  detectBoxes(image: DetectorImage): Promise<{ box: FaceBox; score: number }[]>;
  /** 68 landmarks (`Float32Array 68×2`, image pixels) inside each given box. */
  detectLandmarks(image: DetectorImage, boxes: FaceBox[]): Promise<Float32Array[]>;
  /** The detector's settings after defaults. */
  readonly options: Required<Omit<FaceDetectorOptions, 'modelDir'>> & { modelDir: string };
}

// The few face-api members we use; its own .d.ts drags in the whole tfjs type tree.
interface FaceApiBox { x: number; y: number; width: number; height: number }
interface FaceApiDetection { score: number; box: FaceApiBox }
interface FaceApiLandmarks { positions: { x: number; y: number }[] }
export interface FaceApiNet {
  isLoaded: boolean;
  loadFromDisk?(dir: string): Promise<void>;
  loadFromUri?(uri: string): Promise<void>;
}
export interface FaceApiTensor { dispose(): void }
export interface FaceApiModule {
  tf: {
    tensor3d(values: Int32Array, shape: [number, number, number], dtype: 'int32'): FaceApiTensor;
    ready(): Promise<void>;
  };
  nets: {
    ssdMobilenetv1: FaceApiNet;
    tinyFaceDetector: FaceApiNet;
    faceLandmark68Net: FaceApiNet & { detectLandmarks(face: FaceApiTensor): Promise<FaceApiLandmarks> };
  };
  SsdMobilenetv1Options: new (o: { minConfidence: number; maxResults: number }) => unknown;
  TinyFaceDetectorOptions: new (o: { inputSize: number; scoreThreshold: number }) => unknown;
  Rect: new (x: number, y: number, width: number, height: number) => unknown;
  detectAllFaces(input: FaceApiTensor, options: unknown): Promise<FaceApiDetection[]>;
  extractFaceTensors(input: FaceApiTensor, boxes: unknown[]): Promise<FaceApiTensor[]>;
}

/** The settings after defaults (modelDir: the Node loader's folder, or the browser's URL). */
export type ResolvedDetectorOptions = Required<Omit<FaceDetectorOptions, 'modelDir'>> & { modelDir: string };

/** Fills in the defaults (`detector` from `defaultDetector`) and checks them. */
export function resolveDetectorOptions(options: FaceDetectorOptions, modelDir: string, defaultDetector: DetectorKind = FALLBACK_DETECTOR): ResolvedDetectorOptions {
  const settings = {
    detector: options.detector ?? defaultDetector,
    minConfidence: options.minConfidence ?? 0.5,
    maxFaces: options.maxFaces ?? 10,
    tinyInputSize: options.tinyInputSize ?? 416,
    modelDir,
  } as const;
  checkOptions(settings);
  return settings;
}

function checkImage(image: DetectorImage): void {
  const { data, width, height, channels } = image ?? ({} as DetectorImage);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`detect: image.width and image.height must be positive integers (got ${width}×${height})`);
  }
  if (channels !== 3) throw new Error(`detect: image.channels must be 3 (RGB), got ${channels}`);
  if (!(data instanceof Uint8Array) || data.length !== width * height * 3) {
    throw new Error(`detect: image.data must be a Uint8Array of width·height·3 = ${width * height * 3} bytes (got ${data?.length})`);
  }
}

function checkOptions(o: Required<Omit<FaceDetectorOptions, 'modelDir'>>): void {
  if (!DETECTORS.includes(o.detector)) throw new Error(`createFaceDetector: options.detector must be one of ${DETECTORS.map((d) => `'${d}'`).join(', ')}, got ${String(o.detector)}`);
  if (!(o.minConfidence > 0 && o.minConfidence < 1)) throw new Error(`createFaceDetector: options.minConfidence must be in (0, 1), got ${o.minConfidence}`);
  if (!Number.isInteger(o.maxFaces) || o.maxFaces < 1) throw new Error(`createFaceDetector: options.maxFaces must be a positive integer, got ${o.maxFaces}`);
  if (!Number.isInteger(o.tinyInputSize) || o.tinyInputSize % 32 !== 0 || o.tinyInputSize < 32) {
    throw new Error(`createFaceDetector: options.tinyInputSize must be a positive multiple of 32, got ${o.tinyInputSize}`);
  }
}

/**
 * A FaceDetector over a loaded face-api module whose landmark net and (for 'ssd' / 'tiny')
 * detector net are loaded; 'blazeface' needs its loaded model. Every tensor made here is disposed.
 */
export function faceApiDetector(faceapi: FaceApiModule, settings: ResolvedDetectorOptions, blazeface?: BlazefaceModel): FaceDetector {
  if (settings.detector === 'blazeface' && !blazeface) throw new Error("faceApiDetector: detector 'blazeface' needs its loaded model");
  const detectorOptions = settings.detector === 'ssd'
    ? new faceapi.SsdMobilenetv1Options({ minConfidence: settings.minConfidence, maxResults: settings.maxFaces })
    : new faceapi.TinyFaceDetectorOptions({ inputSize: settings.tinyInputSize, scoreThreshold: settings.minConfidence });

  // face-api wants an int32 H×W×3 tensor; the caller's bytes are copied once per call.
  const toTensor = (image: DetectorImage): FaceApiTensor =>
    faceapi.tf.tensor3d(Int32Array.from(image.data), [image.height, image.width, 3], 'int32');

  async function boxesOf(input: FaceApiTensor, image: DetectorImage): Promise<{ box: FaceBox; score: number }[]> {
    const detections = blazeface
      ? await blazefaceBoxes(blazeface, input as unknown as Parameters<typeof blazefaceBoxes>[1], { minConfidence: settings.minConfidence, maxFaces: settings.maxFaces })
      : await faceapi.detectAllFaces(input, detectorOptions);
    return detections
      .map((d) => ({ box: clipBox(d.box, image.width, image.height), score: d.score }))
      .filter((d) => d.box.width >= 1 && d.box.height >= 1)
      .sort((a, b) => b.score - a.score)
      .slice(0, settings.maxFaces);
  }

  async function landmarksOf(input: FaceApiTensor, boxes: FaceBox[]): Promise<Float32Array[]> {
    if (boxes.length === 0) return [];
    const rects = boxes.map((b) => new faceapi.Rect(b.x, b.y, b.width, b.height));
    const crops = await faceapi.extractFaceTensors(input, rects);
    try {
      const found = await Promise.all(crops.map((crop) => faceapi.nets.faceLandmark68Net.detectLandmarks(crop)));
      // face-api gives crop pixels; shift by the crop's corner (boxes are already integer and clipped).
      return found.map((lm, f) => {
        const out = new Float32Array(lm.positions.length * 2);
        lm.positions.forEach((p, n) => {
          out[2 * n] = p.x + boxes[f]!.x;
          out[2 * n + 1] = p.y + boxes[f]!.y;
        });
        return out;
      });
    } finally {
      for (const crop of crops) crop.dispose();
    }
  }

  async function withInput<T>(image: DetectorImage, run: (input: FaceApiTensor) => Promise<T>): Promise<T> {
    checkImage(image);
    const input = toTensor(image);
    try {
      return await run(input);
    } finally {
      input.dispose();
    }
  }

  return {
    options: settings,
    detectBoxes: (image) => withInput(image, (input) => boxesOf(input, image)),
    detectLandmarks: (image, boxes) =>
      withInput(image, (input) => landmarksOf(input, boxes.map((b) => clipBox(b, image.width, image.height)))),
    detect: (image) =>
      withInput(image, async (input) => {
        const faces = await boxesOf(input, image);
        const landmarks = await landmarksOf(input, faces.map((f) => f.box));
        return faces.map((f, i) => ({ box: f.box, score: f.score, landmarks: landmarks[i]! }));
      }),
  };
}

/** A box clipped to the image and floored to whole pixels, as face-api crops it. */
export function clipBox(box: FaceBox, width: number, height: number): FaceBox {
  const x = Math.max(0, Math.floor(box.x));
  const y = Math.max(0, Math.floor(box.y));
  const right = Math.min(width, Math.floor(box.x + box.width));
  const bottom = Math.min(height, Math.floor(box.y + box.height));
  return { x, y, width: Math.max(0, right - x), height: Math.max(0, bottom - y) };
}
