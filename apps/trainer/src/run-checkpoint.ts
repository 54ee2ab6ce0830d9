/**
 * The run checkpoint format (`checkpoints/last.ckpt`): phase, pretraining epoch, loader
 * position, the trainer's full state and the history, tagged with the config hash so that a
 * run resumes only with the config it was made with. The byte layout is `checkpoint.ts`'s.
 */
import { existsSync } from 'node:fs';
import type { LoaderState } from '@g2rl/datasets';
import type { G2RLTrainerState } from '@g2rl/models';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { UserError } from './errors.js';
import type { HistoryPoint } from './history.js';
import type { RunPhase } from './phases.js';
import type { RunPaths } from './run-folder.js';

export const RUN_CHECKPOINT_FORMAT = 'g2rl-run-checkpoint/1';

export interface RunCheckpoint {
  format: typeof RUN_CHECKPOINT_FORMAT;
  configHash: string;
  phase: RunPhase;
  /** Next geometry-pretraining epoch to run. */
  pretrainEpoch: number;
  loader: LoaderState;
  trainer: G2RLTrainerState;
  history: HistoryPoint[];
  /** Data-parallel replicas the run trains with (absent in older checkpoints: 1); a resumed run keeps it. */
  workers?: number;
}

/** Writes the run checkpoint atomically. */
export function writeRunCheckpoint(paths: RunPaths, checkpoint: Omit<RunCheckpoint, 'format'>): void {
  saveCheckpoint(paths.checkpoint, { format: RUN_CHECKPOINT_FORMAT, ...checkpoint } satisfies RunCheckpoint);
}

/** Reads the run checkpoint for `--resume`; user errors when it is missing, foreign or made with another config. */
export function readRunCheckpoint(paths: RunPaths, configHash: string): RunCheckpoint {
  if (!existsSync(paths.checkpoint)) throw new UserError(`--resume: no checkpoint at ${paths.checkpoint}; start the run without --resume`);
  const saved = loadCheckpoint<RunCheckpoint>(paths.checkpoint);
  if (saved.format !== RUN_CHECKPOINT_FORMAT) throw new UserError(`${paths.checkpoint}: not a run checkpoint (format ${JSON.stringify(saved.format)})`);
  if (saved.configHash !== configHash) {
    throw new UserError(`--resume: the config differs from the one ${paths.checkpoint} was made with; resume with the run's own config (${paths.config})`);
  }
  return saved;
}
