import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { LandmarkScheme } from '@g2rl/heatmaps';
import { BadDataLog, type BadDataOptions } from '../errors.js';
import { intensityProblem, landmarkProblem, sampleList, SCHEME_SIZES, type Sample, type SampleList } from '../sample.js';
import { readLines } from './text.js';

export interface ManifestOptions extends BadDataOptions {
  /** Check that every image file exists (default true). */
  checkImages?: boolean;
  /** Scheme for CSV rows without a `scheme` column (default: from the landmark count). */
  scheme?: LandmarkScheme;
}

/**
 * Reads a manifest of labelled images, the format for anyone's own data (and the one the
 * synthetic data set writes). Relative image paths are resolved against the manifest's folder.
 *
 * JSONL (`.jsonl`, one object per line):
 * `{"id", "subject", "frame", "image", "landmarks": [x0, y0, …] (N·2), "scheme", "aus": [1, 2, …],
 *   "intensities": [… A values, null or "NaN" = missing]}`.
 *
 * CSV (`.csv`, header row): `image,subject[,frame][,id][,scheme],x0,y0,…,x{N-1},y{N-1},AU1,AU2,…`
 * — landmark columns `xI`/`yI`, one column per AU named `AU<number>`; an empty cell or NaN
 * is a missing label.
 */
export async function readManifest(path: string, options: ManifestOptions = {}): Promise<SampleList> {
  const log = new BadDataLog(options.skipBad);
  const lines = await readLines(path, log);
  const samples: Sample[] = [];
  if (!lines) return sampleList(samples, log.records);
  const base = dirname(path);
  const isCsv = /\.csv$/i.test(path);
  const rows = isCsv ? csvRows(path, lines, log) : jsonRows(path, lines, log);
  const ids = new Set<string>();
  for (const { line, row } of rows) {
    const problem = (reason: Parameters<BadDataLog['report']>[2], detail: string) => log.report(path, line, reason, detail);
    if (typeof row.image !== 'string' || row.image === '') { problem('malformed line', 'field "image" must be a non-empty path'); continue; }
    if (row.subject === undefined || row.subject === '') { problem('malformed line', 'field "subject" is missing'); continue; }
    const landmarks = Array.isArray(row.landmarks) ? row.landmarks : undefined;
    if (!landmarks || landmarks.length === 0) { problem('missing landmarks', 'field "landmarks" must be an array of N·2 numbers'); continue; }
    const scheme = (row.scheme ?? options.scheme ?? schemeFor(landmarks.length)) as LandmarkScheme;
    const landmarkIssue = landmarkProblem(landmarks as number[], scheme);
    if (landmarkIssue) { problem('bad landmarks', landmarkIssue); continue; }
    const aus = row.aus;
    if (!Array.isArray(aus) || !aus.every((au) => Number.isInteger(au) && (au as number) > 0)) { problem('malformed line', 'field "aus" must be a list of AU numbers'); continue; }
    const rawIntensities = Array.isArray(row.intensities) ? row.intensities : [];
    const unreadable = rawIntensities.findIndex((v) => !isMissing(v) && !(typeof v === 'number' || (typeof v === 'string' && Number.isFinite(Number(v)))));
    if (unreadable >= 0) { problem('malformed line', `intensity ${unreadable} (${JSON.stringify(rawIntensities[unreadable])}) is not a number; write null, "" or "NaN" for a missing label`); continue; }
    const intensities = rawIntensities.map((v) => (isMissing(v) ? Number.NaN : Number(v)));
    if (intensities.length !== aus.length) { problem('malformed line', `"intensities" has ${intensities.length} values but "aus" has ${aus.length}`); continue; }
    const badIntensity = intensities.map(intensityProblem).findIndex((p) => p !== undefined);
    if (badIntensity >= 0) { problem('intensity out of range', `AU${aus[badIntensity]}: ${intensityProblem(intensities[badIntensity])}`); continue; }
    const image = isAbsolute(row.image) ? row.image : resolve(base, row.image);
    if (options.checkImages !== false && !existsSync(image)) { problem('missing image', `image file ${image} does not exist`); continue; }
    const frame = row.frame === undefined || row.frame === '' ? samples.length : Number(row.frame);
    if (!Number.isInteger(frame) || frame < 0) { problem('malformed line', `field "frame" must be an integer ≥ 0, got ${JSON.stringify(row.frame)}`); continue; }
    const id = row.id === undefined || row.id === '' ? `${row.subject}/${frame}` : String(row.id);
    if (ids.has(id)) { problem('malformed line', `id ${JSON.stringify(id)} appears twice`); continue; }
    ids.add(id);
    samples.push({
      id, subject: String(row.subject), frame, image, scheme,
      landmarks: Float32Array.from(landmarks as number[]),
      aus: aus as number[],
      intensities: Float32Array.from(intensities),
    });
  }
  return sampleList(samples, log.records);
}

interface ManifestRow {
  id?: unknown; subject?: unknown; frame?: unknown; image?: unknown; scheme?: unknown;
  landmarks?: unknown[]; aus?: unknown[]; intensities?: unknown[];
}

function isMissing(value: unknown): boolean {
  return value === null || value === '' || value === 'NaN' || (typeof value === 'number' && Number.isNaN(value));
}

function schemeFor(count: number): LandmarkScheme | undefined {
  return (Object.keys(SCHEME_SIZES) as LandmarkScheme[]).find((s) => SCHEME_SIZES[s] * 2 === count);
}

function jsonRows(path: string, lines: { line: number; text: string }[], log: BadDataLog) {
  const rows: { line: number; row: ManifestRow }[] = [];
  for (const { line, text } of lines) {
    try {
      const row = JSON.parse(text);
      if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new Error('not a JSON object');
      rows.push({ line, row: row as ManifestRow });
    } catch (error) {
      log.report(path, line, 'malformed line', `invalid JSON (${(error as Error).message})`);
    }
  }
  return rows;
}

function csvRows(path: string, lines: { line: number; text: string }[], log: BadDataLog) {
  const rows: { line: number; row: ManifestRow }[] = [];
  if (lines.length === 0) return rows;
  const header = lines[0].text.split(',').map((h) => h.trim());
  const column = (name: string) => header.findIndex((h) => h.toLowerCase() === name);
  const [image, subject, frame, id, scheme] = ['image', 'subject', 'frame', 'id', 'scheme'].map(column);
  if (image < 0 || subject < 0) {
    log.report(path, lines[0].line, 'malformed line', `the header needs columns "image" and "subject", got ${header.join(',')}`);
    return rows;
  }
  const landmarkColumns: number[] = [];
  for (let i = 0; column(`x${i}`) >= 0 && column(`y${i}`) >= 0; i++) landmarkColumns.push(column(`x${i}`), column(`y${i}`));
  const auColumns = header.map((h, i) => [/^au(\d+)$/i.exec(h), i] as const).filter(([m]) => m);
  for (const { line, text } of lines.slice(1)) {
    const cells = text.split(',').map((c) => c.trim());
    if (cells.length !== header.length) {
      log.report(path, line, 'malformed line', `${cells.length} cells, the header has ${header.length}`);
      continue;
    }
    rows.push({
      line,
      row: {
        image: cells[image], subject: cells[subject],
        frame: frame >= 0 ? cells[frame] : undefined, id: id >= 0 ? cells[id] : undefined,
        scheme: scheme >= 0 && cells[scheme] ? cells[scheme] : undefined,
        landmarks: landmarkColumns.map((c) => (cells[c] === '' ? Number.NaN : Number(cells[c]))),
        aus: auColumns.map(([m]) => Number(m![1])),
        intensities: auColumns.map(([, c]) => cells[c]),
      },
    });
  }
  return rows;
}
