/** Bad data, located: the file, and the 1-based line where there is one. */
export class DatasetError extends Error {
  readonly file: string;
  readonly line: number | undefined;
  readonly reason: SkipReason;
  constructor(file: string, line: number | undefined, reason: SkipReason, detail: string) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${reason}: ${detail}`);
    this.name = 'DatasetError';
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}

/** The kinds of bad data a reader recognises (the keys of `skipped` counts). */
export type SkipReason =
  | 'missing file'
  | 'malformed line'
  | 'intensity out of range'
  | 'missing landmarks'
  | 'missing image'
  | 'bad landmarks'
  /** A frame the distribution has no landmarks for (DISFA has a few); always counted, never thrown. */
  | 'landmark gap'
  /** Labels, video and landmark files of a subject disagree on the number of frames. */
  | 'frame count mismatch';

export interface SkippedRecord {
  file: string;
  line?: number;
  reason: SkipReason;
  detail: string;
}

export interface BadDataOptions {
  /**
   * false (default): the first bad record throws a DatasetError naming file and line.
   * true: bad records are left out and listed in the result's `skipped`.
   */
  skipBad?: boolean;
}

/**
 * Collects bad records: throws at once unless `skipBad`, in which case it records them so
 * a reader can report how many were skipped and why.
 */
export class BadDataLog {
  readonly records: SkippedRecord[] = [];
  constructor(private readonly skipBad = false) {}

  /** Throws (default) or records the problem; returns so the caller can `continue`. */
  report(file: string, line: number | undefined, reason: SkipReason, detail: string): void {
    if (!this.skipBad) throw new DatasetError(file, line, reason, detail);
    this.note(file, line, reason, detail);
  }

  /** Records a known, expected gap in the data (e.g. a DISFA frame without landmarks): never throws. */
  note(file: string, line: number | undefined, reason: SkipReason, detail: string): void {
    this.records.push(line === undefined ? { file, reason, detail } : { file, line, reason, detail });
  }

  /** Counts per reason, e.g. `{ 'missing image': 3 }`. */
  counts(): Partial<Record<SkipReason, number>> {
    const counts: Partial<Record<SkipReason, number>> = {};
    for (const record of this.records) counts[record.reason] = (counts[record.reason] ?? 0) + 1;
    return counts;
  }
}

/** One line, e.g. "skipped 4: 3 missing image, 1 malformed line". */
export function formatSkipped(records: readonly SkippedRecord[]): string {
  if (records.length === 0) return 'skipped 0';
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1);
  return `skipped ${records.length}: ${[...counts].map(([reason, n]) => `${n} ${reason}`).join(', ')}`;
}
