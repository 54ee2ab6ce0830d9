// Where a video's rows go while it runs and after. Rows are appended, one batch of frames at
// a time, to `<name>.partial.csv` (a valid CSV of the frames done at any moment; a Ctrl-C
// leaves it there), beside `<name>.partial.json` (what the run was: input and settings, so
// that `--resume` continues only the same run). When the video is done the final file is
// made from it — calibration and smoothing need the whole series of each face — fsynced and
// renamed into place, so `<name>.csv` only ever exists complete.
import { createReadStream, closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync, truncateSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '@g2rl/common/fs';
import type { CalibrationMode } from './calibration.js';
import { openAtomicFileSync } from '@g2rl/common/fs';
import { parseVideoCsvLine, videoCsvLine, videoJsonLine, type VideoRow } from './openface-csv.js';
import { SeriesAdjustment } from './series-adjustment.js';
import type { AnalyzedFrame } from './video-analysis.js';
import { VideoError } from './video-error.js';

export interface OutputPaths {
  /** The final file (.csv or .jsonl). */
  out: string;
  /** The rows so far (CSV, uncalibrated). */
  partial: string;
  /** The run's settings, for --resume. */
  meta: string;
}

export function outputPaths(out: string): OutputPaths {
  const stem = out.replace(/\.(csv|jsonl)$/i, '');
  return { out, partial: `${stem}.partial.csv`, meta: `${stem}.partial.json` };
}

/** What must match for --resume to continue a run: the input file and every setting that changes the rows. */
export type RunSettings = Record<string, string | number | boolean | null | readonly number[]>;

/** The shape of the rows: N landmarks, A AUs (with the header line). */
export interface RowShape { header: string; landmarkCount: number; auCount: number }

export class PartialWriter {
  private constructor(private readonly fd: number, readonly path: string, private readonly shape: RowShape) {}

  /** A new partial file with the header (an old one is replaced) and its settings beside it. */
  static create(paths: OutputPaths, shape: RowShape, settings: RunSettings): PartialWriter {
    writeFileAtomicSync(paths.meta, `${JSON.stringify(settings, null, 1)}\n`);
    const fd = openSync(paths.partial, 'w');
    writeSync(fd, `${shape.header}\n`);
    return new PartialWriter(fd, paths.partial, shape);
  }

  /**
   * Continues the partial file of the same run: checks the settings, drops the last frame's
   * rows (a kill may have cut them) and any cut line, and returns what the run had done.
   */
  static async resume(paths: OutputPaths, shape: RowShape, settings: RunSettings): Promise<{ writer: PartialWriter; lastFrame: number; lastRows: VideoRow[]; nextId: number; framesDone: number }> {
    if (!existsSync(paths.partial) || !existsSync(paths.meta)) throw new VideoError('resume-mismatch', `--resume: no unfinished run to continue (${paths.partial} and ${paths.meta} are not both there)`);
    const saved = JSON.parse(readFileSync(paths.meta, 'utf8')) as RunSettings;
    for (const key of new Set([...Object.keys(saved), ...Object.keys(settings)])) {
      if (JSON.stringify(saved[key]) !== JSON.stringify(settings[key])) {
        throw new VideoError('resume-mismatch', `--resume: ${paths.meta} was made with ${key} = ${JSON.stringify(saved[key])}, this run has ${JSON.stringify(settings[key])}; run with the same input and options, or without --resume to start again`);
      }
    }
    const frames: { frame: number; offset: number; rows: VideoRow[] }[] = [];
    let offset = 0;
    let lineNumber = 0;
    let nextId = 0;
    let framesDone = 0;
    const size = statSync(paths.partial).size;
    const lines = createInterface({ input: createReadStream(paths.partial, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      lineNumber++;
      const start = offset;
      offset += line.length + 1;
      if (lineNumber === 1) {
        if (line !== shape.header) throw new VideoError('resume-mismatch', `--resume: ${paths.partial} has other columns than this model writes`);
        continue;
      }
      if (offset > size) break; // the last line has no line break: cut by a kill
      const row = parseVideoCsvLine(line, shape.landmarkCount, shape.auCount, `${paths.partial}:${lineNumber}`);
      nextId = Math.max(nextId, row.faceId + 1);
      const last = frames.at(-1);
      if (last && last.frame === row.frame) last.rows.push(row);
      else {
        frames.push({ frame: row.frame, offset: start, rows: [row] });
        framesDone++;
        if (frames.length > 2) frames.shift();
      }
    }
    // The last frame's rows may be incomplete: redo that frame.
    const dropped = frames.pop();
    const keepBytes = dropped ? dropped.offset : Math.min(offset, size);
    if (dropped) framesDone--;
    truncateSync(paths.partial, keepBytes);
    const kept = frames.at(-1);
    const fd = openSync(paths.partial, 'a');
    if (keepBytes === 0) writeSync(fd, `${shape.header}\n`);
    return { writer: new PartialWriter(fd, paths.partial, shape), lastFrame: kept?.frame ?? 0, lastRows: kept?.rows ?? [], nextId, framesDone };
  }

  /** Appends the frames' rows in one write (a frame's rows are never split between writes). */
  append(frames: readonly AnalyzedFrame[]): void {
    if (frames.length === 0) return;
    const text = frames.flatMap((f) => f.rows.map((r) => videoCsvLine(r, this.shape.landmarkCount, this.shape.auCount))).join('\n');
    writeSync(this.fd, `${text}\n`);
  }

  close(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
  }
}

export interface FinishOptions {
  format: 'csv' | 'jsonl';
  aus: readonly number[];
  calibration: CalibrationMode;
  smooth: number;
}

async function* partialRows(path: string, shape: RowShape): AsyncGenerator<VideoRow> {
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity })) {
    if (++n === 1 || line.length === 0) continue;
    yield parseVideoCsvLine(line, shape.landmarkCount, shape.auCount, `${path}:${n}`);
  }
}

/**
 * Makes the final file from a closed partial file: per face_id, calibration then smoothing
 * of its AU series (held in memory: 4 bytes × A per frame per face, ≈ 3.5 MB for an hour at
 * 25 fps); rows streamed, fsynced, renamed into place; the partial files removed.
 */
export async function finishOutput(paths: OutputPaths, shape: RowShape, options: FinishOptions): Promise<void> {
  const A = shape.auCount;
  if (options.format === 'csv' && options.calibration === 'none' && options.smooth <= 1) {
    renameSync(paths.partial, paths.out); // already fsynced by close()
    rmSync(paths.meta, { force: true });
    return;
  }
  const adjustment = new SeriesAdjustment(A, { calibration: options.calibration, smooth: Math.max(1, options.smooth) });
  if (adjustment.changesRows) for await (const row of partialRows(paths.partial, shape)) adjustment.add(row);
  const file = openAtomicFileSync(paths.out);
  try {
    if (options.format === 'csv') file.write(`${shape.header}\n`);
    let chunk: string[] = [];
    for await (const read of partialRows(paths.partial, shape)) {
      const row = adjustment.changesRows ? adjustment.adjust(read) : read;
      chunk.push(options.format === 'csv' ? videoCsvLine(row, shape.landmarkCount, A) : videoJsonLine(row, options.aus));
      if (chunk.length >= 500) { file.write(`${chunk.join('\n')}\n`); chunk = []; }
    }
    if (chunk.length > 0) file.write(`${chunk.join('\n')}\n`);
  } catch (error) {
    file.abort();
    throw error;
  }
  file.commit();
  rmSync(paths.partial, { force: true });
  rmSync(paths.meta, { force: true });
}
