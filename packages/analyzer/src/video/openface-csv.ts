// The per-frame rows of a video, in OpenFace 2's column names and order where OpenFace has
// the column: frame, face_id, timestamp, confidence, success, x_0…x_{N−1}, y_0…y_{N−1}, then
// AU01_r… for the model's AUs. OpenFace pads each header name with a space after the comma;
// we do not (pandas gives clean names; `skipinitialspace=True` reads both).
import { auColumn, csvField } from '../csv.js';

/** One row: one face in one frame, or the `success = 0` row of a frame without a face. */
export interface VideoRow {
  /** 1-based frame number. */
  frame: number;
  faceId: number;
  /** Seconds since the stream's start. */
  timestamp: number;
  /** Face quality in [0, 1] (0 when no face). */
  confidence: number;
  success: 0 | 1;
  /** N×2 landmarks, image px; null when no face. */
  landmarks: Float32Array | null;
  /** A intensities in [0, 5]; null when no face. */
  aus: Float32Array | null;
}

export const VIDEO_LEAD_COLUMNS = ['frame', 'face_id', 'timestamp', 'confidence', 'success'] as const;

/** The header for a model with `aus` and N = `landmarkCount` landmarks. */
export function videoCsvHeader(aus: readonly number[], landmarkCount: number): string[] {
  const xs = Array.from({ length: landmarkCount }, (_, i) => `x_${i}`);
  const ys = Array.from({ length: landmarkCount }, (_, i) => `y_${i}`);
  return [...VIDEO_LEAD_COLUMNS, ...xs, ...ys, ...aus.map(auColumn)];
}

/** A timestamp as short as it is exact to the microsecond: 0.04, 0.033367. */
export const formatTimestamp = (t: number): string => String(Number(t.toFixed(6)));

/** One CSV line (no line break). Missing values (no face) are empty fields, read as NaN. */
export function videoCsvLine(row: VideoRow, landmarkCount: number, auCount: number): string {
  const fields: string[] = [String(row.frame), String(row.faceId), formatTimestamp(row.timestamp), row.confidence.toFixed(3), String(row.success)];
  const lm = row.landmarks;
  for (let i = 0; i < landmarkCount; i++) fields.push(lm ? lm[2 * i]!.toFixed(1) : '');
  for (let i = 0; i < landmarkCount; i++) fields.push(lm ? lm[2 * i + 1]!.toFixed(1) : '');
  for (let a = 0; a < auCount; a++) fields.push(row.aus ? row.aus[a]!.toFixed(2) : '');
  return fields.join(',');
}

/** Parses a line written by videoCsvLine; throws naming `where` (file:line) when it is not one. */
export function parseVideoCsvLine(line: string, landmarkCount: number, auCount: number, where: string): VideoRow {
  const f = line.split(',');
  const expected = VIDEO_LEAD_COLUMNS.length + 2 * landmarkCount + auCount;
  if (f.length !== expected) throw new Error(`${where}: ${f.length} fields, expected ${expected}`);
  const number = (i: number): number => {
    const v = Number(f[i]);
    if (f[i] === '' || !Number.isFinite(v)) throw new Error(`${where}: field ${i + 1} is ${JSON.stringify(f[i])}, not a number`);
    return v;
  };
  const success = number(4) === 1 ? 1 : 0;
  let landmarks: Float32Array | null = null;
  let aus: Float32Array | null = null;
  if (success) {
    landmarks = new Float32Array(2 * landmarkCount);
    for (let i = 0; i < landmarkCount; i++) { landmarks[2 * i] = number(5 + i); landmarks[2 * i + 1] = number(5 + landmarkCount + i); }
    aus = Float32Array.from({ length: auCount }, (_, a) => number(5 + 2 * landmarkCount + a));
  }
  return { frame: number(0), faceId: number(1), timestamp: number(2), confidence: number(3), success, landmarks, aus };
}

/** One JSON line: the same fields, landmarks as [x, y] pairs, AUs by column name. */
export function videoJsonLine(row: VideoRow, aus: readonly number[]): string {
  const landmarks = row.landmarks ? Array.from({ length: row.landmarks.length / 2 }, (_, i) => [round(row.landmarks![2 * i]!, 1), round(row.landmarks![2 * i + 1]!, 1)]) : null;
  const values = row.aus ? Object.fromEntries(aus.map((au, a) => [auColumn(au), round(row.aus![a]!, 2)])) : null;
  return JSON.stringify({ frame: row.frame, face_id: row.faceId, timestamp: Number(formatTimestamp(row.timestamp)), confidence: round(row.confidence, 3), success: row.success, landmarks, aus: values });
}

const round = (v: number, digits: number): number => Number(v.toFixed(digits));

export { csvField };
