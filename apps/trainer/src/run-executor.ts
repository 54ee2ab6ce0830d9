/**
 * Who trains the runs of an experiment (cv folds, benchmark folds, ablation arms): this process,
 * one run after another (`localRuns`), or the workers of a Redis queue (`queued-runs.ts`). An
 * experiment lists its runs first, hands them over, and gets their stored evaluations back in
 * the same order, so its report is the same whoever trained them.
 */
import type { TrainConfig } from './config.js';
import type { LoadedData } from './data.js';
import type { Reporter } from './progress.js';
import type { StopFlag } from './stop.js';
import { runOrReuse, type StoredEvaluation } from './stored-evaluation.js';

/** One run: its resolved config (name, seed, λ, fold…) and the fold index if it is one. */
export interface RunSpec {
  config: TrainConfig;
  fold?: number;
}

export interface RunContext {
  reporter: Reporter;
  stop: StopFlag;
}

/** Trains (or reuses) every run; resolves with their evaluations in the order of `specs`. */
export type RunExecutor = (specs: readonly RunSpec[], data: LoadedData, ctx: RunContext) => Promise<StoredEvaluation[]>;

/** In this process, one after another (a finished run is reused, a checkpoint resumed). */
export const localRuns: RunExecutor = async (specs, data, ctx) => {
  const out: StoredEvaluation[] = [];
  for (const spec of specs) out.push(await runOrReuse({ config: spec.config, data, fold: spec.fold, reporter: ctx.reporter, stop: ctx.stop }));
  return out;
};
