import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DISFA_AUS } from '@g2rl/heatmaps';
import { BadDataLog, DatasetError, type BadDataOptions } from '../errors.js';
import { landmarkProblem, sampleList, schemeForCount, type Sample, type SampleList } from '../sample.js';
import { disfaLayout, listDisfaVideos, type DisfaLayout, type DisfaLayoutOptions } from './disfa-layout.js';
import {
  chooseLandmarkNumbering,
  DisfaFrameCountError,
  listDisfaLandmarkFiles,
  type DisfaLandmarkNaming,
  type DisfaLandmarkNumbering,
} from './disfa-landmark-files.js';
import { MatFileError, matRows, readMatV5 } from './mat-v5.js';
import { listFrameImages, readFrameIntensities } from './text.js';

export interface DisfaOptions extends BadDataOptions, DisfaLayoutOptions {
  /** AUs to read, in this order (default DISFA_AUS, the 12 labelled AUs). */
  aus?: number[];
  /** Only these subjects (e.g. ['SN001', 'SN002']); default every SNxxx folder. */
  subjects?: string[];
  /** How landmark file numbers count frames (default 'auto': detected per subject and checked). */
  landmarkNumbering?: DisfaLandmarkNumbering;
  /**
   * @deprecated use `landmarkNumbering` ('from-0' is offset −1, 'from-1' offset 0).
   * Landmark file number = label frame + this; still checked against the labels.
   */
  landmarkFrameOffset?: number;
}

/** What was found for one subject: counts and the landmark numbering chosen. */
export interface DisfaSubjectSummary {
  subject: string;
  labelledFrames: number;
  /** Frames extracted from the video (the images found), undefined if there are none. */
  videoFrames: number | undefined;
  landmarkFiles: number;
  naming: DisfaLandmarkNaming;
  numbering: 'from-0' | 'from-1';
  /** Why that numbering (e.g. "a file is numbered 0"). */
  numberingReason: string;
  /** Labelled frames without a landmark file (known gaps of the distribution), left out. */
  gaps: number[];
  samples: number;
}

/** `readDisfa`'s result: the samples, what was skipped, and one summary per subject read. */
export type DisfaSampleList = SampleList & { subjects: DisfaSubjectSummary[]; layout: DisfaLayout };

/**
 * Reads DISFA as distributed, plus the frames extracted from its videos:
 * ```
 * <root>/ActionUnit_Labels/SN001/SN001_au1.txt           lines "frame,intensity" (0–5), frames from 1
 * <root>/Landmark_Points/SN001/tmp_frame_lm/SN001_0000_lm.mat   MAT v5, a 66×2 variable `pts` (x, y);
 *                                                         or l0001_lm.mat (see DisfaLandmarkNaming)
 * <root>/Videos_LeftCamera/LeftVideoSN001_comp.avi        (Videos_RightCamera/… for camera 'right')
 * <root>/Images/SN001/00001.png                           frames from the video: extractFrames(video, dir)
 * ```
 * Per subject, the landmark files' numbering is detected and checked against the labelled
 * frames and the number of extracted video frames; a mismatch is a DatasetError ('frame
 * count mismatch') naming the subject and both counts. A labelled frame without a landmark
 * file inside the files' range is a known gap: left out and listed in `skipped` ('landmark
 * gap') and in the subject's summary, not an error. A sample is made for every other labelled
 * frame; AUs a label file does not cover are NaN. Scheme 'disfa66' (iBUG-68 without 60, 64).
 */
export async function readDisfa(root: string, options: DisfaOptions = {}): Promise<DisfaSampleList> {
  const log = new BadDataLog(options.skipBad);
  const aus = options.aus ?? [...DISFA_AUS];
  const layout = disfaLayout(root, options);
  let subjects: string[];
  try {
    subjects = (await readdir(layout.labelsDir)).filter((name) => /^SN\d{3}$/.test(name)).sort();
  } catch (error) {
    throw new DatasetError(layout.labelsDir, undefined, 'missing file', `cannot list it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); pass the DISFA folder that holds ActionUnit_Labels/`);
  }
  if (options.subjects) {
    const missing = options.subjects.filter((s) => !subjects.includes(s));
    if (missing.length) throw new DatasetError(layout.labelsDir, undefined, 'missing file', `subjects ${missing.join(', ')} are not there; it has ${subjects.join(', ') || 'none'}`);
    subjects = options.subjects.slice().sort();
  }
  const videos = await listDisfaVideos(layout);
  const requested = options.landmarkFrameOffset !== undefined ? { offset: options.landmarkFrameOffset } : options.landmarkNumbering ?? 'auto';
  const samples: Sample[] = [];
  const summaries: DisfaSubjectSummary[] = [];
  for (const subject of subjects) {
    const labels = await readSubjectLabels(layout, subject, aus, log);
    if (labels.byFrame.size === 0) continue;
    const frames = [...labels.byFrame.keys()].sort((a, b) => a - b);
    const labelCounts = { first: frames[0], last: frames[frames.length - 1], count: frames.length };
    const imagesDir = join(layout.imagesDir, subject);
    const images = await listFrameImages(imagesDir);
    const landmarksDir = join(layout.landmarksDir, subject);
    const files = await listDisfaLandmarkFiles(landmarksDir, subject);
    if (!files) {
      log.report(labels.firstFile, undefined, 'missing landmarks', `${subject} has no landmark .mat files in ${landmarksDir}`);
      continue;
    }
    if (images.size === 0) {
      const video = videos.get(subject);
      const how = video ? `extract them from ${video} first: g2rl-train prepare --data disfa --data-path ${root} (or extractDisfaFrames)` : `no ${layout.camera}-camera video found in ${layout.videosDir} either`;
      log.report(imagesDir, undefined, 'missing image', `${subject} has no frames in ${imagesDir}; ${how}`);
      continue;
    }
    const videoFrames = images.size;
    const imageNumbers = [...images.keys()];
    const [firstImage, lastImage] = [Math.min(...imageNumbers), Math.max(...imageNumbers)];
    if (firstImage !== 1 || lastImage !== videoFrames || videoFrames !== labelCounts.last) {
      log.report(imagesDir, undefined, 'frame count mismatch',
        `${subject}: the labels have ${labelCounts.count} frames (${labelCounts.first}–${labelCounts.last}) but the video has ${videoFrames} ` +
          `(frames ${firstImage}–${lastImage} extracted in ${imagesDir}; extractFrames numbers them from 1)`);
      continue;
    }
    let offset: number;
    let choice;
    try {
      choice = chooseLandmarkNumbering(subject, files, { labels: labelCounts, video: videoFrames }, requested);
      offset = choice.offset;
    } catch (error) {
      if (!(error instanceof DisfaFrameCountError)) throw error;
      log.report(landmarksDir, undefined, 'frame count mismatch', error.message);
      continue;
    }
    const landmarks = await readLandmarkFiles([...files.byNumber.values()], log);
    const gaps: number[] = [];
    const before = samples.length;
    for (const frame of frames) {
      const line = labels.lineOfFrame.get(frame);
      const file = files.byNumber.get(frame + offset);
      if (!file) {
        gaps.push(frame);
        log.note(labels.firstFile, line, 'landmark gap', `${subject} frame ${frame} has no landmark file in ${landmarksDir} (a gap in the distribution; frame left out)`);
        continue;
      }
      const points = landmarks.get(file);
      if (!points) continue; // unreadable: reported by readLandmarkFiles
      const image = images.get(frame);
      if (!image) {
        log.report(labels.firstFile, line, 'missing image', `${subject} frame ${frame} has no image in ${imagesDir}`);
        continue;
      }
      samples.push({
        id: `${subject}/${frame}`, subject, frame, image, aus,
        scheme: points.scheme, landmarks: points.landmarks, intensities: labels.byFrame.get(frame)!,
      });
    }
    summaries.push({
      subject,
      labelledFrames: labelCounts.count,
      videoFrames,
      landmarkFiles: files.byNumber.size,
      naming: files.naming,
      numbering: choice.numbering,
      numberingReason: choice.reason,
      gaps,
      samples: samples.length - before,
    });
  }
  return Object.assign(sampleList(samples, log.records), { subjects: summaries, layout });
}

/** frame → intensities (A, NaN where an AU's file has no entry) of one subject, with each frame's line in the first AU file. */
async function readSubjectLabels(layout: DisfaLayout, subject: string, aus: number[], log: BadDataLog) {
  const byFrame = new Map<number, Float32Array>();
  const lineOfFrame = new Map<number, number>();
  let firstFile = '';
  for (const [a, au] of aus.entries()) {
    const file = join(layout.labelsDir, subject, `${subject}_au${au}.txt`);
    firstFile ||= file;
    const values = await readFrameIntensities(file, log, { lineOfFrame: a === 0 ? lineOfFrame : undefined });
    for (const [frame, value] of values) {
      let row = byFrame.get(frame);
      if (!row) byFrame.set(frame, (row = new Float32Array(aus.length).fill(Number.NaN)));
      row[a] = value;
    }
  }
  return { byFrame, lineOfFrame, firstFile };
}

type Landmarks = { landmarks: Float32Array; scheme: NonNullable<ReturnType<typeof schemeForCount>> };

/** path → landmarks of each readable file; unreadable ones go to `log` as 'bad landmarks'. */
async function readLandmarkFiles(files: string[], log: BadDataLog): Promise<Map<string, Landmarks>> {
  const out = new Map<string, Landmarks>();
  const chunk = 64; // bounded: DISFA has ~4,800 files per subject
  for (let i = 0; i < files.length; i += chunk) {
    await Promise.all(files.slice(i, i + chunk).map(async (file) => {
      const parsed = landmarksFromMat(await readFile(file), file);
      if (typeof parsed === 'string') log.report(file, undefined, 'bad landmarks', parsed);
      else out.set(file, parsed);
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
    // Only the reader's own verdict on the file; anything else is a bug to surface, not bad data.
    if (!(error instanceof MatFileError)) throw error;
    return error.message;
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
