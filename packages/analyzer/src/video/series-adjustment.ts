// Per-person calibration and smoothing of a video's rows: each face_id's AU series is
// collected (pass 1), calibrated then smoothed as a whole, and handed back row by row in the
// same order (pass 2). The CLI's final file streams its partial file through both passes;
// the live page adjusts the rows it recorded in memory (adjustRows).
import { calibrateSeries, type CalibrationMode } from './calibration.js';
import type { VideoRow } from './openface-csv.js';
import { smoothSeries } from './smoothing.js';

export interface AdjustmentOptions {
  calibration: CalibrationMode;
  /** Centred moving-average window in frames (1 = none). */
  smooth: number;
}

export class SeriesAdjustment {
  private readonly series = new Map<number, number[]>();
  private adjusted: Map<number, Float32Array> | null = null;
  private readonly position = new Map<number, number>();

  constructor(private readonly auCount: number, private readonly options: AdjustmentOptions) {
    if (!Number.isInteger(options.smooth) || options.smooth < 1) throw new RangeError(`smooth window must be a positive integer, got ${options.smooth}`);
  }

  /** False when nothing would change (no calibration, no smoothing): both passes can be skipped. */
  get changesRows(): boolean {
    return this.options.calibration !== 'none' || this.options.smooth > 1;
  }

  /** Pass 1: one row (rows without AUs are ignored). */
  add(row: VideoRow): void {
    if (this.adjusted) throw new Error('SeriesAdjustment.add after adjust: add every row first');
    if (!row.aus) return;
    let s = this.series.get(row.faceId);
    if (!s) this.series.set(row.faceId, (s = []));
    for (let a = 0; a < this.auCount; a++) s.push(row.aus[a]!);
  }

  /** Pass 2: the next row of its face, in the order rows were added, with adjusted AUs (a new row; the input is not changed). */
  adjust(row: VideoRow): VideoRow {
    if (!this.adjusted) {
      this.adjusted = new Map();
      for (const [id, values] of this.series) {
        this.adjusted.set(id, smoothSeries(calibrateSeries(Float32Array.from(values), this.auCount, this.options.calibration), this.auCount, this.options.smooth));
      }
    }
    const values = row.aus ? this.adjusted.get(row.faceId) : undefined;
    if (!row.aus || !values) return row;
    const t = this.position.get(row.faceId) ?? 0;
    this.position.set(row.faceId, t + 1);
    const A = this.auCount;
    return { ...row, aus: values.subarray(t * A, t * A + A) };
  }
}

/** `rows` (in time order) calibrated and smoothed per face_id; the input rows are not changed. */
export function adjustRows(rows: readonly VideoRow[], auCount: number, options: AdjustmentOptions): VideoRow[] {
  const adjustment = new SeriesAdjustment(auCount, options);
  if (!adjustment.changesRows) return [...rows];
  for (const row of rows) adjustment.add(row);
  return rows.map((row) => adjustment.adjust(row));
}
