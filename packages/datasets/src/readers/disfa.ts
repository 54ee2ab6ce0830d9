import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DISFA_AUS } from '@g2rl/heatmaps';
import { BadDataLog, type BadDataOptions } from '../errors.js';
import { landmarkProblem, sampleList, schemeForCount, type Sample, type SampleList } from '../sample.js';
import { matRows, readMatV5 } from './mat-v5.js';
import { frameNumber, listFrameImages, readFrameIntensities } from './text.js';

export interface DisfaOptions extends BadDataOptions {
  /** AUs to read, in this order (default DISFA_AUS, the 12 labelled AUs). */
  aus?: number[];
  /** Only these subjects (e.g. ['SN001', 'SN002']); default every SNxxx folder. */
  subjects?: string[];
  /** Folder of extracted frames, one sub-folder per subject (default `<root>/Images`). */
  imagesDir?: string;
  /** Landmark file number = label frame + this (default 0: both count the same way). */
  landmarkFrameOffset?: number;
}

/**
 * Reads DISFA where a user has it. Supported layout (as distributed, plus extracted frames):
 * ```
 * <root>/ActionUnit_Labels/SN001/SN001_au1.txt     lines "frame,intensity" (0–5)
 * <root>/Landmark_Points/SN001/…/<…frame…>_lm.mat   MAT v5, a 66×2 (or 68×2) variable, usually `pts`
 * <root>/Images/SN001/<frame>.png                   frames, e.g. from extractFrames(video, dir)
 * ```
 * The frame number of a landmark or image file is the last number in its name
 * ('l0042_lm.mat', '00042.png' → 42). A sample is made for every labelled frame; AUs a
 * label file does not cover are NaN (missing). Scheme 'disfa66' (iBUG-68 without 60, 64).
 */
export async function readDisfa(root: string, options: DisfaOptions = {}): Promise<SampleList> {
  const log = new BadDataLog(options.skipBad);
  const aus = options.aus ?? [...DISFA_AUS];
  const labelsRoot = join(root, 'ActionUnit_Labels');
  let subjects: string[];
  try {
    subjects = (await readdir(labelsRoot)).filter((name) => /^SN\d{3}$/.test(name)).sort();
  } catch (error) {
    throw new Error(`readDisfa: cannot list ${labelsRoot} (${(error as Error).message}); pass the folder that holds ActionUnit_Labels/`);
  }
  if (options.subjects) {
    const missing = options.subjects.filter((s) => !subjects.includes(s));
    if (missing.length) throw new Error(`readDisfa: subjects ${missing.join(', ')} are not in ${labelsRoot}`);
    subjects = options.subjects.slice().sort();
  }
  const samples: Sample[] = [];
  for (const subject of subjects) {
    // Labels: frame → intensities (NaN where an AU's file has no entry).
    const byFrame = new Map<number, Float32Array>();
    const lineOfFrame = new Map<number, number>();
    let firstLabelFile = '';
    for (const [a, au] of aus.entries()) {
      const file = join(labelsRoot, subject, `${subject}_au${au}.txt`);
      firstLabelFile ||= file;
      const values = await readFrameIntensities(file, log, { lineOfFrame: a === 0 ? lineOfFrame : undefined });
      for (const [frame, value] of values) {
        let row = byFrame.get(frame);
        if (!row) byFrame.set(frame, (row = new Float32Array(aus.length).fill(Number.NaN)));
        row[a] = value;
      }
    }
    const landmarks = await readSubjectLandmarks(join(root, 'Landmark_Points', subject), log);
    const images = await listFrameImages(join(options.imagesDir ?? join(root, 'Images'), subject));
    const offset = options.landmarkFrameOffset ?? 0;
    for (const frame of [...byFrame.keys()].sort((a, b) => a - b)) {
      const where = [firstLabelFile, lineOfFrame.get(frame)] as const;
      const points = landmarks.get(frame + offset);
      if (!points) {
        log.report(where[0], where[1], 'missing landmarks', `${subject} frame ${frame} has no landmark file in ${join(root, 'Landmark_Points', subject)}`);
        continue;
      }
      const image = images.get(frame);
      if (!image) {
        log.report(where[0], where[1], 'missing image', `${subject} frame ${frame} has no image in ${join(options.imagesDir ?? join(root, 'Images'), subject)}`);
        continue;
      }
      samples.push({
        id: `${subject}/${frame}`, subject, frame, image, aus,
        scheme: points.scheme, landmarks: points.landmarks, intensities: byFrame.get(frame)!,
      });
    }
  }
  return sampleList(samples, log.records);
}

type Landmarks = { landmarks: Float32Array; scheme: NonNullable<ReturnType<typeof schemeForCount>> };

/** frame → landmarks for every `*.mat` under `dir` (any depth). */
async function readSubjectLandmarks(dir: string, log: BadDataLog): Promise<Map<number, Landmarks>> {
  const out = new Map<number, Landmarks>();
  let files: string[];
  try {
    files = (await readdir(dir, { recursive: true })).filter((f) => /\.mat$/i.test(f)).map((f) => join(dir, f));
  } catch {
    return out; // every frame will then report 'missing landmarks', naming the label line
  }
  const chunk = 64;
  for (let i = 0; i < files.length; i += chunk) {
    await Promise.all(files.slice(i, i + chunk).map(async (file) => {
      const frame = frameNumber(file.replace(/_lm(\.mat)$/i, '$1').split(/[\\/]/).pop()!);
      if (frame === undefined) return;
      const parsed = landmarksFromMat(await readFile(file), file);
      if (typeof parsed === 'string') log.report(file, undefined, 'bad landmarks', parsed);
      else out.set(frame, parsed);
    }));
  }
  return out;
}

/** The N×2 landmark matrix of a DISFA .mat file (variable `pts`, else the first N×2 numeric one). */
export function landmarksFromMat(bytes: Uint8Array, file: string): Landmarks | string {
  let variables;
  try {
    variables = readMatV5(bytes, file);
  } catch (error) {
    return (error as Error).message;
  }
  const candidates = variables.filter((v) => v.dims.length === 2 && v.data.length > 0 && (v.dims[1] === 2 || v.dims[0] === 2));
  const chosen = candidates.find((v) => v.name === 'pts') ?? candidates[0];
  if (!chosen) return `no N×2 numeric variable (expected 'pts', 66×2); found ${variables.map((v) => `${v.name} ${v.dims.join('×')}`).join(', ') || 'nothing'}`;
  const rows = chosen.dims[1] === 2 ? matRows(chosen) : transpose(matRows(chosen));
  const scheme = schemeForCount(rows.length);
  if (!scheme) return `variable ${chosen.name} has ${rows.length} points; expected 66 (DISFA), 68 (iBUG) or 49 (BP4D)`;
  const landmarks = Float32Array.from(rows.flat());
  const problem = landmarkProblem(landmarks, scheme);
  return problem ?? { landmarks, scheme };
}

function transpose(rows: number[][]): number[][] {
  return rows[0].map((_, c) => rows.map((r) => r[c]));
}
