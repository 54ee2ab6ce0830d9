import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomicSync } from '@g2rl/common/fs';
import type { RunPaths } from './run-folder.js';

/** One point of a run's loss history: an epoch of geometry pretraining or a training step. */
export interface HistoryPoint {
  phase: 'pretrain' | 'train';
  epoch: number;
  step: number;
  loss: number;
  ls?: number;
  lg?: number;
}

/** Writes a run's history (`<run>/history.json`) atomically. */
export function writeHistory(paths: RunPaths, history: HistoryPoint[]): void {
  writeFileAtomicSync(paths.history, JSON.stringify(history));
}

/** Reads a run's saved history (for plots after a resumed run, or the `eval` command). */
export function readHistory(paths: RunPaths): HistoryPoint[] {
  return existsSync(paths.history) ? (JSON.parse(readFileSync(paths.history, 'utf8')) as HistoryPoint[]) : [];
}
