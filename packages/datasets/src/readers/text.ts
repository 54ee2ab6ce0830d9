import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BadDataLog } from '../errors.js';

/** Lines of a text file with their 1-based numbers, blank lines dropped. */
export async function readLines(file: string, log: BadDataLog): Promise<{ line: number; text: string }[] | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    log.report(file, undefined, 'missing file', (error as Error).message);
    return undefined;
  }
  return text
    .split(/\r?\n/)
    .map((t, i) => ({ line: i + 1, text: t.trim() }))
    .filter((l) => l.text.length > 0);
}

export interface FrameCsvOptions {
  /** A code meaning "not labelled" (BP4D: 9), read as NaN. */
  missingCode?: number;
  /** Filled with frame → 1-based line number, so later problems can name the line. */
  lineOfFrame?: Map<number, number>;
}

/**
 * Reads a `frame,intensity` label file (DISFA's `SN001_au1.txt`, BP4D's `F001_T1_AU06.csv`)
 * into frame → intensity. A first line that starts with "frame" is taken as a header.
 * Malformed lines and intensities outside 0–5 go to `log` (which throws unless skipBad).
 */
export async function readFrameIntensities(file: string, log: BadDataLog, options: FrameCsvOptions = {}): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const lines = await readLines(file, log);
  if (!lines) return out;
  for (const { line, text } of lines) {
    if (line === 1 && /^frame/i.test(text)) continue;
    const fields = text.split(/[,;\s]+/);
    const frame = Number(fields[0]);
    const value = Number(fields[1]);
    if (fields.length !== 2 || !Number.isInteger(frame) || frame < 0 || fields[1] === '' || !Number.isFinite(value)) {
      log.report(file, line, 'malformed line', `expected "frame,intensity" (an integer frame ≥ 0 and a number), got ${JSON.stringify(text)}`);
      continue;
    }
    if (options.missingCode !== undefined && value === options.missingCode) {
      out.set(frame, Number.NaN);
      options.lineOfFrame?.set(frame, line);
      continue;
    }
    if (value < 0 || value > 5) {
      const allowed = options.missingCode === undefined ? '' : ` (or ${options.missingCode} for missing)`;
      log.report(file, line, 'intensity out of range', `intensity ${value} for frame ${frame} is outside 0–5${allowed}`);
      continue;
    }
    if (out.has(frame)) {
      log.report(file, line, 'malformed line', `frame ${frame} appears twice`);
      continue;
    }
    out.set(frame, value);
    options.lineOfFrame?.set(frame, line);
  }
  return out;
}

const IMAGE_EXTENSIONS = /\.(png|jpe?g|bmp|webp|tiff?)$/i;

/** The last run of digits in a file name: 'frame_0042.png' → 42, 'l0001_lm.mat' → 1. */
export function frameNumber(name: string): number | undefined {
  const matches = name.replace(/\.[^.]*$/, '').match(/\d+/g);
  return matches ? Number(matches[matches.length - 1]) : undefined;
}

/** frame → image path for the images in `dir` (numbered file names), empty if `dir` is missing. */
export async function listFrameImages(dir: string): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    if (!IMAGE_EXTENSIONS.test(name)) continue;
    const frame = frameNumber(name);
    if (frame !== undefined && !out.has(frame)) out.set(frame, join(dir, name));
  }
  return out;
}
