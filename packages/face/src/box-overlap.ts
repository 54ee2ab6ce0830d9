import type { FaceBox } from './face-api-detector.js';

/**
 * Intersection over union of two boxes (image px), in [0, 1]: the detector's non-maximum
 * suppression and the video tracker's matching of faces across frames both use it.
 */
export function iou(a: FaceBox, b: FaceBox): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}
