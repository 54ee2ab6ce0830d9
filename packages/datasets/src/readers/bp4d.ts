import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BP4D_AUS } from '@g2rl/heatmaps';
import { BadDataLog, type BadDataOptions } from '../errors.js';
import { landmarkProblem, sampleList, schemeForCount, type Sample, type SampleList } from '../sample.js';
import { listFrameImages, readFrameIntensities, readLines } from './text.js';

export interface Bp4dOptions extends BadDataOptions {
  /** AUs to read, in this order (default BP4D_AUS = FERA 2015's 6, 10, 12, 14, 17). */
  aus?: number[];
  /** Only these subjects (e.g. ['F001', 'M002']); default all found. */
  subjects?: string[];
  /** Folder of frames, `<imagesDir>/F001/T1/<frame>.jpg` (default `<root>/Images`). */
  imagesDir?: string;
  /** Folder of landmark files, `<landmarksDir>/F001_T1.csv` (default `<root>/Landmarks`). */
  landmarksDir?: string;
}

const SEQUENCE_FILE = /^([FM]\d{3})_?(T\d+)_AU(\d+)\.csv$/i;

/**
 * Reads BP4D as released for FERA 2015. Supported layout:
 * ```
 * <root>/AU-Intensity-Codes3.0/AU06/F001_T1_AU06.csv   lines "frame,intensity"; 9 = missing (→ NaN)
 * <root>/Landmarks/F001_T1.csv                        lines "frame,x0,y0,…,x{N-1},y{N-1}" (N = 49, 66 or 68)
 * <root>/Images/F001/T1/<frame>.jpg                   frames of sequence F001 task T1
 * ```
 * (`F001T1_AU06.csv`, without the underscore, is accepted too.) The landmark file's N sets
 * the scheme: 49 → 'bp4d49', 66 → 'disfa66', 68 → 'ibug68'. A sample is made for every
 * frame coded (not 9) in at least one AU file; 9 in one AU is NaN (missing) for that AU.
 */
export async function readBp4d(root: string, options: Bp4dOptions = {}): Promise<SampleList> {
  const log = new BadDataLog(options.skipBad);
  const aus = options.aus ?? [...BP4D_AUS];
  const codesRoot = join(root, 'AU-Intensity-Codes3.0');
  // sequence 'F001_T1' → AU index → label file
  const sequences = new Map<string, { subject: string; task: string; files: (string | undefined)[] }>();
  for (const [a, au] of aus.entries()) {
    const dir = join(codesRoot, `AU${String(au).padStart(2, '0')}`);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      log.report(dir, undefined, 'missing file', `no folder for AU${au} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      continue;
    }
    for (const name of names.sort()) {
      const match = SEQUENCE_FILE.exec(name);
      if (!match || Number(match[3]) !== au) continue;
      const [subject, task] = [match[1].toUpperCase(), match[2].toUpperCase()];
      if (options.subjects && !options.subjects.includes(subject)) continue;
      const key = `${subject}_${task}`;
      if (!sequences.has(key)) sequences.set(key, { subject, task, files: new Array(aus.length) });
      sequences.get(key)!.files[a] = join(dir, name);
    }
  }
  const samples: Sample[] = [];
  for (const [key, { subject, task, files }] of [...sequences].sort(([a], [b]) => a.localeCompare(b))) {
    const byFrame = new Map<number, Float32Array>();
    const lineOfFrame = new Map<number, number>();
    const fileOfFrame = new Map<number, string>();
    for (const [a, file] of files.entries()) {
      if (!file) continue; // this AU was not coded for this sequence: NaN
      const lines = new Map<number, number>();
      const values = await readFrameIntensities(file, log, { missingCode: 9, lineOfFrame: lines });
      for (const [frame, value] of values) {
        let row = byFrame.get(frame);
        if (!row) {
          byFrame.set(frame, (row = new Float32Array(aus.length).fill(Number.NaN)));
          lineOfFrame.set(frame, lines.get(frame)!);
          fileOfFrame.set(frame, file);
        }
        row[a] = value;
      }
    }
    const landmarkFile = join(options.landmarksDir ?? join(root, 'Landmarks'), `${key}.csv`);
    const landmarks = await readLandmarkCsv(landmarkFile, log);
    const images = await listFrameImages(join(options.imagesDir ?? join(root, 'Images'), subject, task));
    for (const frame of [...byFrame.keys()].sort((a, b) => a - b)) {
      // 9 in every AU file: FERA 2015 did not code this frame at all; it is no sample.
      if (byFrame.get(frame)!.every(Number.isNaN)) continue;
      const [file, line] = [fileOfFrame.get(frame)!, lineOfFrame.get(frame)];
      const points = landmarks?.get(frame);
      if (!points) {
        log.report(file, line, 'missing landmarks', `${key} frame ${frame} has no row in ${landmarkFile}`);
        continue;
      }
      const image = images.get(frame);
      if (!image) {
        log.report(file, line, 'missing image', `${key} frame ${frame} has no image in ${join(options.imagesDir ?? join(root, 'Images'), subject, task)}`);
        continue;
      }
      samples.push({
        id: `${key}/${frame}`, subject, frame, image, aus,
        scheme: points.scheme, landmarks: points.landmarks, intensities: byFrame.get(frame)!,
      });
    }
  }
  return sampleList(samples, log.records);
}

type Landmarks = { landmarks: Float32Array; scheme: NonNullable<ReturnType<typeof schemeForCount>> };

/** frame → landmarks from a "frame,x0,y0,…" CSV; undefined if the file is missing (and skipBad). */
async function readLandmarkCsv(file: string, log: BadDataLog): Promise<Map<number, Landmarks> | undefined> {
  const lines = await readLines(file, log);
  if (!lines) return undefined;
  const out = new Map<number, Landmarks>();
  for (const { line, text } of lines) {
    if (line === 1 && /^frame/i.test(text)) continue;
    const cells = text.split(',').map(Number);
    const frame = cells[0];
    const scheme = schemeForCount((cells.length - 1) / 2);
    if (!Number.isInteger(frame) || frame < 0 || !scheme) {
      log.report(file, line, 'malformed line', `expected "frame,x0,y0,…" with 49, 66 or 68 points, got ${cells.length} cells`);
      continue;
    }
    const landmarks = Float32Array.from(cells.slice(1));
    const problem = landmarkProblem(landmarks, scheme);
    if (problem) {
      log.report(file, line, 'bad landmarks', problem);
      continue;
    }
    out.set(frame, { landmarks, scheme });
  }
  return out;
}
