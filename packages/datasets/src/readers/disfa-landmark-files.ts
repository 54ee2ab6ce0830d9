import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError } from '../errors.js';

/**
 * The namings of DISFA's landmark files seen in releases:
 * - 'subject-frame': `SN001_0000_lm.mat`, counted from 0 (`_0000` is frame 1);
 * - 'l-frame': `l0001_lm.mat`, counted from 1;
 * - 'other': any other `.mat` name; its last number is taken.
 */
export type DisfaLandmarkNaming = 'subject-frame' | 'l-frame' | 'other';

/**
 * How landmark file numbers map to the labels' frame numbers (which count from 1):
 * 'from-0' (file 0 is frame 1), 'from-1' (file 1 is frame 1), or 'auto' (see
 * {@link chooseLandmarkNumbering}).
 */
export type DisfaLandmarkNumbering = 'auto' | 'from-0' | 'from-1';

export const DISFA_LANDMARK_NUMBERINGS: readonly DisfaLandmarkNumbering[] = ['auto', 'from-0', 'from-1'];

/** The landmark files of one subject: number in the name → path, and the naming they share. */
export interface DisfaLandmarkFiles {
  naming: DisfaLandmarkNaming;
  byNumber: Map<number, string>;
  /** The smallest and largest number in the names. */
  first: number;
  last: number;
}

const SUBJECT_FRAME = /^(SN\d{3})_(\d+)_lm\.mat$/i;
const L_FRAME = /^l(\d+)_lm\.mat$/i;

function classify(name: string): { naming: DisfaLandmarkNaming; number: number; subject?: string } | undefined {
  const subjectFrame = SUBJECT_FRAME.exec(name);
  if (subjectFrame) return { naming: 'subject-frame', number: Number(subjectFrame[2]), subject: subjectFrame[1].toUpperCase() };
  const lFrame = L_FRAME.exec(name);
  if (lFrame) return { naming: 'l-frame', number: Number(lFrame[1]) };
  const digits = name.replace(/(_lm)?\.mat$/i, '').match(/\d+/g);
  return digits ? { naming: 'other', number: Number(digits[digits.length - 1]) } : undefined;
}

/**
 * Lists the `.mat` files under `dir` (any depth, e.g. `tmp_frame_lm/`). Undefined if `dir`
 * does not exist or holds none. Two namings in one folder, a file named for another subject
 * or two files with one number are errors naming the files: the frame of each would be a guess.
 */
export async function listDisfaLandmarkFiles(dir: string, subject: string): Promise<DisfaLandmarkFiles | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true })).filter((f) => /\.mat$/i.test(f)).sort();
  } catch {
    return undefined;
  }
  const byNumber = new Map<number, string>();
  let naming: DisfaLandmarkNaming | undefined;
  let example = '';
  for (const relative of names) {
    const name = relative.split(/[\\/]/).pop()!;
    const kind = classify(name);
    if (!kind) continue;
    if (kind.subject && kind.subject !== subject) throw new DatasetError(join(dir, relative), undefined, 'bad landmarks', `a landmark file of ${kind.subject} in ${subject}'s folder`);
    if (naming && kind.naming !== naming) {
      throw new DatasetError(dir, undefined, 'bad landmarks', `landmark files in two namings (${example} and ${name}); one subject's files must share one naming`);
    }
    naming ??= kind.naming;
    example ||= name;
    const earlier = byNumber.get(kind.number);
    if (earlier) throw new DatasetError(dir, undefined, 'bad landmarks', `${earlier.slice(dir.length + 1)} and ${relative} both carry number ${kind.number}`);
    byNumber.set(kind.number, join(dir, relative));
  }
  if (!naming) return undefined;
  const numbers = [...byNumber.keys()];
  return { naming, byNumber, first: Math.min(...numbers), last: Math.max(...numbers) };
}

/** The frames a subject's labels and video cover. */
export interface DisfaFrameCounts {
  /** First and last labelled frame (DISFA: 1 and 4845) and how many distinct frames are labelled. */
  labels: { first: number; last: number; count: number };
  /** Frames of the video (the frames extracted from it), when known. */
  video?: number;
}

export interface DisfaNumberingChoice {
  numbering: 'from-0' | 'from-1';
  /** file number − frame: −1 for 'from-0', 0 for 'from-1' (or the explicit offset). */
  offset: number;
  /** Why this numbering, for the read summary (e.g. "a file is numbered 0"). */
  reason: string;
}

/** Thrown when a subject's landmark files, labels and video disagree on the frame count. */
export class DisfaFrameCountError extends Error {
  constructor(readonly subject: string, message: string) {
    super(message);
    this.name = 'DisfaFrameCountError';
  }
}

/**
 * Chooses how one subject's landmark file numbers map to frames, and checks the result
 * against the labels' frames (and the video's frame count): a landmark file that would land
 * outside the labelled frames is an error naming the subject and both counts, never a shift.
 *
 * 'auto' reads the evidence first: a file numbered 0 means 'from-0' (there is no frame 0);
 * a last file numbered as the last labelled frame means 'from-1'; with neither (both end
 * files missing) the naming decides: 'subject-frame' counts from 0, the others from 1.
 * An explicit `offset` (file number − frame) overrides the numbering.
 */
export function chooseLandmarkNumbering(
  subject: string,
  files: DisfaLandmarkFiles,
  counts: DisfaFrameCounts,
  requested: DisfaLandmarkNumbering | { offset: number } = 'auto',
): DisfaNumberingChoice {
  const { labels, video } = counts;
  let choice: DisfaNumberingChoice;
  if (typeof requested === 'object') {
    const numbering = requested.offset === -1 ? 'from-0' : 'from-1';
    choice = { numbering, offset: requested.offset, reason: `landmark frame offset ${requested.offset} set by the caller` };
  } else if (requested !== 'auto') {
    choice = { numbering: requested, offset: requested === 'from-0' ? -1 : 0, reason: `numbering ${requested} set by the caller` };
  } else if (files.first === 0) {
    choice = { numbering: 'from-0', offset: -1, reason: 'a file is numbered 0' };
  } else if (files.last === labels.last) {
    choice = { numbering: 'from-1', offset: 0, reason: `the last file is numbered ${files.last}, the last labelled frame` };
  } else {
    const numbering = files.naming === 'subject-frame' ? 'from-0' : 'from-1';
    choice = { numbering, offset: numbering === 'from-0' ? -1 : 0, reason: `${files.naming} naming (${numbering}); neither end frame has a file` };
  }
  const fits = (offset: number) => files.first - offset >= labels.first && files.last - offset <= labels.last;
  if (!fits(choice.offset)) {
    const [from, to] = [files.first - choice.offset, files.last - choice.offset];
    const names = `${fileName(files.byNumber.get(files.first)!)} … ${fileName(files.byNumber.get(files.last)!)}`;
    const other = choice.offset === -1 ? 0 : -1;
    const hint = fits(other) ? `; if this release counts its landmark files from ${other === -1 ? 0 : 1}, set landmarkNumbering '${other === -1 ? 'from-0' : 'from-1'}'` : '';
    throw new DisfaFrameCountError(
      subject,
      `${subject}: ${files.byNumber.size} landmark files (${names}, read ${choice.numbering}: ${choice.reason}) give frames ${from}–${to}, ` +
        `but the labels have ${labels.count} frames (${labels.first}–${labels.last})${video === undefined ? '' : ` and the video ${video}`}${hint}`,
    );
  }
  return choice;
}

function fileName(path: string): string {
  return path.split(/[\\/]/).pop()!;
}
