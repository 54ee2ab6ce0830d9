import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The layout of a run folder (`runs/<name>/`): everything a run leaves behind, in one place.
 */
export interface RunPaths {
  dir: string;
  /** The resolved config, as JSON. */
  config: string;
  /** Every progress event as JSON lines. */
  log: string;
  /** The latest checkpoint (one file, written atomically). */
  checkpoint: string;
  /** Loss history of the run, JSON. */
  history: string;
  /** The exported inference model with its model card. */
  model: string;
  report: { text: string; markdown: string; json: string };
  /** Per-frame predictions on the test subjects, CSV. */
  predictions: string;
  plots: { loss: string; scatter: string; overlays: string };
}

export function runPaths(runsDir: string, name: string): RunPaths {
  const dir = resolve(runsDir, name);
  return {
    dir,
    config: join(dir, 'config.json'),
    log: join(dir, 'log.jsonl'),
    checkpoint: join(dir, 'checkpoints', 'last.ckpt'),
    history: join(dir, 'history.json'),
    model: join(dir, 'model'),
    report: { text: join(dir, 'report.txt'), markdown: join(dir, 'report.md'), json: join(dir, 'report.json') },
    predictions: join(dir, 'predictions.csv'),
    plots: { loss: join(dir, 'plots', 'loss.png'), scatter: join(dir, 'plots', 'predicted-vs-true.png'), overlays: join(dir, 'plots', 'heatmaps.png') },
  };
}

/** Creates the run folder and its subfolders, and clears what killed runs left half-written. */
export function makeRunFolders(paths: RunPaths): void {
  for (const sub of ['', 'checkpoints', 'plots', 'model']) mkdirSync(join(paths.dir, sub), { recursive: true });
  for (const sub of ['', 'checkpoints', 'model']) removeStaleTemporaries(join(paths.dir, sub));
}

/** `.name.<pid>.<hex>.tmp`: @g2rl/common/fs's temporary file beside a target (temporaryPathFor). */
const TEMPORARY = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Removes temporary files of atomic writes whose writer is gone (a run killed while writing
 * its checkpoint leaves one, as large as a checkpoint); a live writer's file is left alone.
 * @returns the names removed
 */
export function removeStaleTemporaries(dir: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const match = TEMPORARY.exec(name);
    if (!match || processAlive(Number(match[1]))) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
