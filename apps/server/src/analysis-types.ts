// The messages between the HTTP thread and the inference worker, and the JSON the API
// returns for each image. Plain data only: everything here crosses `postMessage`.
import type { DetectorKind } from '@g2rl/face';
import type { ModelCard } from '@g2rl/models/card';
import type { ProblemBody } from './problem.js';
import type { WorkerFault } from './worker-faults.js';

/** The stages timed for every image (ms in responses, seconds in /metrics). */
export const STAGES = ['decode', 'detect', 'landmarks', 'align', 'model', 'postprocess'] as const;
export type Stage = (typeof STAGES)[number];

/** One image to analyse. */
export interface AnalyzeJob {
  id: number;
  /** Encoded JPEG / PNG / WebP bytes (already sniffed by the HTTP thread). */
  bytes: Uint8Array;
  /** The client sends an aligned crop (no detection); with `landmarks`, align with them instead. */
  aligned: boolean;
  /** Landmarks (flat x, y in image pixels, the model card's scheme or iBUG-68) for `aligned` mode. */
  landmarks?: number[];
  /** Return each AU's heatmap as a small base64 PNG. */
  heatmaps: boolean;
  /** Analyse at most this many faces (highest detector scores). */
  maxFaces: number;
}

/** One AU of one face. */
export interface AuResult {
  au: number;
  name: string;
  /** Mean of the AU's two heatmap peaks, in [0, 5]. */
  intensity: number;
  /** The AU's two points in image pixels (through the alignment inverse): `[[x, y], [x, y]]`. */
  points: [number, number][];
  /** Each point's own decoded intensity (the peak value, de-normalised), in [0, 5]. */
  peaks: number[];
}

export interface FaceResult {
  box: { x: number; y: number; width: number; height: number };
  /** Detector score in [0, 1]; null when the client aligned the face itself. */
  score: number | null;
  /** How well the landmarks fit a face, in [0, 1] (@g2rl/analyzer's not-a-face check); null when the client gave landmarks or a crop. */
  quality: number | null;
  /** 68 (or the scheme's N) landmarks `[x, y]` in image pixels; null in aligned mode without landmarks. */
  landmarks: [number, number][] | null;
  aus: AuResult[];
  /** Image → aligned crop affine `[a, b, tx, c, d, ty]` (x' = a·x + b·y + tx). */
  transform: number[];
  /** Aligned crop → image affine. */
  inverse: number[];
  /** With `?heatmaps=true`: per AU the max over its two channels as an H×W grey PNG (255 = intensity 5), base64. */
  heatmaps?: { au: number; png: string }[];
}

export interface ImageResult {
  width: number;
  height: number;
  faces: FaceResult[];
  /** Milliseconds per stage for this image (model and postprocess: its whole worker batch). */
  timings: Record<Stage, number>;
}

export type JobOutcome = { id: number; ok: true; result: ImageResult } | { id: number; ok: false; problem: ProblemBody };

/** What the worker needs to start. */
export interface WorkerConfig {
  modelDir: string;
  maxPixels: number;
  maxModelBatch: number;
  detector: DetectorKind;
  minConfidence: number;
  backend?: string;
  /** Compute threads for this worker (the native backend's OpenMP team). */
  threads: number;
  /** Accept 'fault' messages (worker-faults.ts; reliability tests only). */
  faults?: boolean;
}

export type ToWorker =
  | { type: 'analyze'; batch: number; jobs: AnalyzeJob[] }
  | { type: 'stats'; request: number }
  | { type: 'fault'; fault: WorkerFault };

export type FromWorker =
  | { type: 'ready'; card: ModelCard; backend: string; tensors: number }
  | { type: 'failed'; message: string }
  | { type: 'analyzed'; batch: number; outcomes: JobOutcome[]; modelBatchSizes: number[]; tensors: number }
  | { type: 'stats'; request: number; tensors: number; memory?: WorkerMemory };

/**
 * Where a worker's memory is, in bytes (the soak samples these to tell a leak in one of them
 * from the process's native memory): its isolate's used V8 heap; the ArrayBuffers it holds
 * (typed-array pixel data and tensor values live there, outside the heap); of those, the
 * native backend's free output buffers; its reordered convolution filters (native memory,
 * shared by its plans) and how many plans; the wasm backend's WebAssembly.Memory (it only grows).
 * A backend's fields are 0 on the others.
 */
export interface WorkerMemory {
  heapBytes: number;
  externalBytes: number;
  poolFreeBytes: number;
  convFilterBytes: number;
  convPlans: number;
  wasmBytes: number;
}
