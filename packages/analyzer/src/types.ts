// What the analyzer takes and returns. Plain data: results cross postMessage and JSON.stringify.
import type { RgbImage } from '@g2rl/face/pure';

/** The stages timed for every image, in milliseconds. */
export const STAGES = ['decode', 'detect', 'landmarks', 'align', 'model', 'postprocess'] as const;
export type Stage = (typeof STAGES)[number];

export interface AnalyzeOptions {
  /** Analyse at most this many faces per image (highest detector scores first). Default 10. */
  maxFaces?: number;
  /** The caller's own landmarks (N×2 image px, flat or `[x, y][]`, the card's scheme or iBUG-68): no detection. */
  landmarks?: ArrayLike<number> | readonly (readonly [number, number])[];
  /** The input is already an aligned crop (resized to S×S); with `landmarks`, align with them instead. */
  aligned?: boolean;
  /** Return each AU's heatmap (H×H, intensity units) with the face. */
  heatmaps?: boolean;
  /** Keep faces whose `quality` is at least this; default the analyzer's `minQuality`. */
  minQuality?: number;
}

/** One AU of one face. */
export interface AuResult {
  au: number;
  name: string;
  /** Mean of the AU's two heatmap peaks, in [0, 5]. */
  intensity: number;
  /** The AU's two points in image pixels: `[[x, y], [x, y]]`. */
  points: [number, number][];
  /** Each point's own decoded intensity, in [0, 5]. */
  peaks: number[];
}

export interface FaceResult {
  box: { x: number; y: number; width: number; height: number };
  /** Detector score in [0, 1]; null when the caller gave the landmarks or an aligned crop. */
  detectorScore: number | null;
  /** How well the landmarks fit a face, in [0, 1] (see quality.ts); null for an aligned crop without landmarks. */
  quality: number | null;
  /** N landmarks `[x, y]` in image pixels (the card's scheme); null for an aligned crop without landmarks. */
  landmarks: [number, number][] | null;
  aus: AuResult[];
  /** Image → aligned crop affine `[a, b, tx, c, d, ty]` (x' = a·x + b·y + tx). */
  transform: number[];
  /** Aligned crop → image affine. */
  inverse: number[];
  /** With `heatmaps: true`: per AU, the max over its two channels, H×H in intensity units [0, 5]. */
  heatmaps?: { au: number; size: number; values: Float32Array }[];
}

export interface ImageResult {
  width: number;
  height: number;
  faces: FaceResult[];
  /** Faces the detector found but `minQuality` dropped (not-a-face), with their scores. */
  rejected: { box: FaceResult['box']; detectorScore: number; quality: number }[];
  /** Milliseconds per stage (model and postprocess: the whole batch's). */
  timings: Record<Stage, number>;
}

export type { RgbImage };
