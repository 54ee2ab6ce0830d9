/**
 * One run of an experiment (a benchmark fold, an ablation arm), resumable: a run that finished
 * leaves `evaluation.json` (its held-out predictions, tagged with its config hash) and is not
 * trained again; a run with a checkpoint made with the same config resumes from it; any other
 * starts over. So `benchmark` and `ablation` pick up where a killed command stopped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '@g2rl/common/fs';
import { auReport, type AuReport } from '@g2rl/metrics';
import type { TrainConfig } from './config.js';
import { configHash } from './config-hash.js';
import type { LoadedData } from './data.js';
import { runPipeline } from './pipeline.js';
import type { Reporter } from './progress.js';
import { runPaths } from './run-folder.js';
import type { StopFlag } from './stop.js';

export const STORED_EVALUATION_FORMAT = 'g2rl-evaluation/1';

/** A finished run's held-out evaluation: `frames × A` predictions and truth (NaN = missing), frame ids and subjects. */
export interface StoredEvaluation {
  format: typeof STORED_EVALUATION_FORMAT;
  name: string;
  configHash: string;
  seed: number;
  lambda: number;
  split: { description: string; trainSubjects: string[]; testSubjects: string[]; trainImages: number; testImages: number };
  aus: number[];
  ids: string[];
  /** The subject (identity) of each frame, the unit the bootstrap resamples. */
  subjects: string[];
  predictions: number[][];
  truth: number[][];
  report: AuReport;
  /** Wall-clock seconds of the run that made it. */
  seconds: number;
}

/** `<run folder>/evaluation.json` */
export function storedEvaluationPath(config: TrainConfig): string {
  return join(runPaths(config.runsDir, config.name).dir, 'evaluation.json');
}

/** The stored evaluation of `config`'s run if it finished with this very config, else undefined. */
export function readStoredEvaluation(config: TrainConfig): StoredEvaluation | undefined {
  const file = storedEvaluationPath(config);
  if (!existsSync(file)) return undefined;
  const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredEvaluation;
  if (stored.format !== STORED_EVALUATION_FORMAT || stored.configHash !== configHash(config)) return undefined;
  // JSON has no NaN: missing labels were written as null.
  const restore = (rows: (number | null)[][]) => rows.map((row) => row.map((v) => (v === null ? Number.NaN : v)));
  return { ...stored, predictions: restore(stored.predictions), truth: restore(stored.truth) };
}

/**
 * Trains, evaluates and stores `config`'s run, or returns its stored evaluation if it finished
 * before with the same config. A checkpoint made with the same resolved config is resumed.
 */
export async function runOrReuse(options: { config: TrainConfig; data: LoadedData; fold?: number; reporter: Reporter; stop: StopFlag }): Promise<StoredEvaluation> {
  const { config, data, reporter } = options;
  const stored = readStoredEvaluation(config);
  if (stored) {
    reporter.info(`${config.name}: finished earlier with this config; using ${storedEvaluationPath(config)}`);
    return stored;
  }
  const paths = runPaths(config.runsDir, config.name);
  const sameConfig = existsSync(paths.config) && readFileSync(paths.config, 'utf8') === `${JSON.stringify(config, null, 2)}\n`;
  const resume = sameConfig && existsSync(paths.checkpoint);
  if (resume) reporter.info(`${config.name}: resuming from ${paths.checkpoint}`);
  const started = Date.now();
  const outcome = await runPipeline({ config, data, fold: options.fold, resume, overwrite: !resume, reporter, stop: options.stop });
  const subjectOf = new Map(outcome.split.test.map((s) => [s.id, s.subject]));
  const evaluation: StoredEvaluation = {
    format: STORED_EVALUATION_FORMAT,
    name: config.name,
    configHash: configHash(config),
    seed: config.seed,
    lambda: config.train.lambda,
    split: {
      description: outcome.split.description,
      trainSubjects: outcome.split.trainSubjects,
      testSubjects: outcome.split.testSubjects,
      trainImages: outcome.split.train.length,
      testImages: outcome.split.test.length,
    },
    aus: data.aus,
    ids: outcome.evaluation.ids,
    subjects: outcome.evaluation.ids.map((id) => subjectOf.get(id)!),
    predictions: outcome.evaluation.predictions,
    truth: outcome.evaluation.truth,
    report: outcome.report,
    seconds: (Date.now() - started) / 1000,
  };
  writeFileAtomicSync(storedEvaluationPath(config), `${JSON.stringify(evaluation)}\n`);
  return evaluation;
}

/** The per-AU report over the frames of several evaluations together (each subject once, as in cross-validation). */
export function pooledReport(evaluations: readonly StoredEvaluation[], aus: number[]): AuReport {
  return auReport(evaluations.flatMap((e) => e.predictions), evaluations.flatMap((e) => e.truth), aus);
}
