// The rows g2rl-analyze writes: one per face, OpenFace's column names where OpenFace has
// the column (x_0…x_67, y_0…y_67, AU01_r…), so existing analysis scripts read them.
import type { FaceResult } from './types.js';

/** Two-digit AU column as OpenFace writes it: 1 → AU01_r. */
export function auColumn(au: number): string {
  return `AU${String(au).padStart(2, '0')}_r`;
}

/** The header for a model with `aus` and `landmarkCount` landmarks. */
export function csvHeader(aus: readonly number[], landmarkCount: number): string[] {
  const xs = Array.from({ length: landmarkCount }, (_, i) => `x_${i}`);
  const ys = Array.from({ length: landmarkCount }, (_, i) => `y_${i}`);
  return ['image', 'face', 'box_x', 'box_y', 'box_width', 'box_height', 'confidence', 'quality', ...xs, ...ys, ...aus.map(auColumn)];
}

/** One CSV row (values only) for face `index` of `image`. */
export function csvRow(image: string, index: number, face: FaceResult, landmarkCount: number): string[] {
  const lm = face.landmarks;
  const xs = Array.from({ length: landmarkCount }, (_, i) => (lm ? lm[i]![0].toFixed(2) : ''));
  const ys = Array.from({ length: landmarkCount }, (_, i) => (lm ? lm[i]![1].toFixed(2) : ''));
  const { box } = face;
  return [
    csvField(image), String(index), box.x.toFixed(2), box.y.toFixed(2), box.width.toFixed(2), box.height.toFixed(2),
    face.detectorScore === null ? '' : face.detectorScore.toFixed(3), face.quality === null ? '' : face.quality.toFixed(3),
    ...xs, ...ys, ...face.aus.map((a) => a.intensity.toFixed(2)),
  ];
}

/** A CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
