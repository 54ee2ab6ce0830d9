/**
 * Photos → the table g2rl-analyze writes (CSV: one row per face; JSON lines: one line per
 * image), for the CLI and for queue workers alike. A file that cannot be read is reported
 * through `onError` and the table goes on; an image with no face is counted (and, in JSON
 * lines, written as a line with no faces).
 */
import { LANDMARK_SCHEMES } from '@g2rl/heatmaps';
import type { Analyzer } from './analyzer.js';
import { csvHeader, csvRow } from './csv.js';
import { AnalyzerError } from './errors.js';
import type { NodeInput } from './node.js';
import type { ImageResult } from './types.js';

export type TableFormat = 'csv' | 'jsonl';

export interface ImageTableOptions {
  format: TableFormat;
  maxFaces?: number;
  /** after each image: done, total */
  onProgress?: (done: number, total: number) => void;
  /** a file that could not be analysed (not a no-face image) */
  onError?: (file: string, message: string) => void;
}

export interface ImageTable {
  /** the whole file, header included, ending in a newline */
  text: string;
  images: number;
  faces: number;
  noFace: number;
  failed: number;
}

/** Analyses `files` one at a time (a bad file never stops the rest). */
export async function analyzeImageTable(analyzer: Analyzer<NodeInput>, files: readonly string[], options: ImageTableOptions): Promise<ImageTable> {
  const { format, maxFaces } = options;
  const landmarkCount = LANDMARK_SCHEMES[analyzer.card.scheme].size;
  const lines: string[] = format === 'csv' ? [csvHeader(analyzer.card.aus, landmarkCount).join(',')] : [];
  let faces = 0;
  let noFace = 0;
  let failed = 0;
  for (let i = 0; i < files.length; i++) {
    const file = files[i]!;
    const [outcome] = await analyzer.analyzeBatch([file], { maxFaces });
    if (outcome instanceof AnalyzerError && outcome.code === 'no-face') {
      noFace++;
      if (format === 'jsonl') lines.push(JSON.stringify({ image: file, faces: [], reason: outcome.message }));
    } else if (outcome instanceof Error) {
      failed++;
      options.onError?.(file, outcome.message.startsWith(file) ? outcome.message.slice(file.length + 2) : outcome.message);
    } else {
      const result = outcome as ImageResult;
      faces += result.faces.length;
      if (format === 'csv') result.faces.forEach((face, f) => lines.push(csvRow(file, f, face, landmarkCount).join(',')));
      else lines.push(JSON.stringify({ image: file, ...result }));
    }
    options.onProgress?.(i + 1, files.length);
  }
  return { text: `${lines.join('\n')}\n`, images: files.length, faces, noFace, failed };
}
