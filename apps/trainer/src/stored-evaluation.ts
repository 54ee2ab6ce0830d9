/**
 * One run of an experiment (a benchmark fold, an ablation arm), resumable: a run that finished
 * leaves `evaluation.json` (its held-out predictions, tagged with its config hash) and is not
 * trained again; a run with a checkpoint made with the same config resumes from it; any other
 * starts over. So `benchmark` and `ablation` pick up where a killed command stopped.
 *
 * A run whose config keeps validation subjects (`data.validationSubjects`, as the demo preset
 * does) and scores the test subjects is calibrated as `demo` calibrates its model: the per-AU
 * factors are fitted on its own validation subjects (`calibrate-model.ts`) and its test
 * predictions are the calibrated decode, scored once. So both arms of an ablation are decoded
 * and calibrated alike, and compared on what the demo's model would report.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '@g2rl/common/fs';
import { auReport, type AuReport } from '@g2rl/metrics';
import { calibrateModel } from './calibrate-model.js';
import { applyIntensityScales } from './calibration.js';
import type { TrainConfig } from './config.js';
import { configHash } from './config-hash.js';
import type { LoadedData } from './data.js';
import { runPipeline, setupBackend } from './pipeline.js';
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
  /** frames × A: what is scored — the calibrated decode when `calibration` is set. */
  predictions: number[][];
  truth: number[][];
  /** The report of `predictions`. */
  report: AuReport;
  /** Set when the run was calibrated on its validation subjects (see the file's comment). */
  calibration?: {
    /** Per-AU factors (the model card's `heatmap.scale`). */
    scale: number[];
    fittedOn: string;
    frames: number;
    identities: number;
    /** frames × A: the same test frames decoded without the factors, and their report. */
    uncalibratedPredictions: number[][];
    uncalibratedReport: AuReport;
  };
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
  const calibration = stored.calibration && { ...stored.calibration, uncalibratedPredictions: restore(stored.calibration.uncalibratedPredictions) };
  return { ...stored, predictions: restore(stored.predictions), truth: restore(stored.truth), ...(calibration ? { calibration } : {}) };
}

/** Whether `config`'s runs are calibrated: validation subjects kept out and the test subjects scored. */
export function calibratesRun(config: TrainConfig): boolean {
  return config.data.validationSubjects > 0 && config.data.heldOut === 'test';
}

/**
 * `evaluation` with the factors fitted on the run's validation subjects applied to its test
 * predictions. With every factor ≥ 1 (`DEFAULT_CALIBRATION`), scaling the clamped decode equals
 * decoding with the card's `heatmap.scale` (`applyIntensityScales`), so the test frames are
 * not scored a second time.
 */
export function withCalibration(evaluation: StoredEvaluation, fitted: { scale: number[]; validation: { description: string; frames: number; identities: number } }): StoredEvaluation {
  const uncalibratedPredictions = evaluation.calibration?.uncalibratedPredictions ?? evaluation.predictions;
  const uncalibratedReport = evaluation.calibration?.uncalibratedReport ?? evaluation.report;
  const predictions = applyIntensityScales(uncalibratedPredictions, fitted.scale);
  return {
    ...evaluation,
    predictions,
    report: auReport(predictions, evaluation.truth, evaluation.aus),
    calibration: { scale: fitted.scale, fittedOn: fitted.validation.description, frames: fitted.validation.frames, identities: fitted.validation.identities, uncalibratedPredictions, uncalibratedReport },
  };
}

/** The test predictions without the calibration (the same as `predictions` for a run without one). */
export function uncalibratedPredictions(evaluation: StoredEvaluation): number[][] {
  return evaluation.calibration?.uncalibratedPredictions ?? evaluation.predictions;
}

/**
 * Trains, evaluates and stores `config`'s run, or returns its stored evaluation if it finished
 * before with the same config. A checkpoint made with the same resolved config is resumed.
 */
export async function runOrReuse(options: { config: TrainConfig; data: LoadedData; fold?: number; reporter: Reporter; stop: StopFlag }): Promise<StoredEvaluation> {
  const { config, data, reporter } = options;
  const stored = readStoredEvaluation(config);
  if (stored && (stored.calibration || !calibratesRun(config))) {
    reporter.info(`${config.name}: finished earlier with this config; using ${storedEvaluationPath(config)}`);
    return stored;
  }
  // Trained and scored, but not calibrated yet (stopped in between, or made before runs were).
  if (stored) return calibrateAndStore(config, stored, options);
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
  return calibratesRun(config) ? calibrateAndStore(config, evaluation, options) : evaluation;
}

/** Fits the run's calibration on its validation subjects (model card too) and stores the calibrated evaluation. */
async function calibrateAndStore(config: TrainConfig, evaluation: StoredEvaluation, options: { data: LoadedData; fold?: number; reporter: Reporter }): Promise<StoredEvaluation> {
  await setupBackend(config.backend, options.reporter);
  const fitted = await calibrateModel({ config, modelDir: runPaths(config.runsDir, config.name).model, reporter: options.reporter, data: options.data, fold: options.fold });
  const calibrated = withCalibration(evaluation, fitted);
  options.reporter.info(`${config.name}: calibrated on ${fitted.validation.identities} validation subjects: test mean ICC(3,1) ${evaluation.report.mean.icc.toFixed(3)} → ${calibrated.report.mean.icc.toFixed(3)}`);
  writeFileAtomicSync(storedEvaluationPath(config), `${JSON.stringify(calibrated)}\n`);
  return calibrated;
}

/** The per-AU report over the frames of several evaluations together (each subject once, as in cross-validation). */
export function pooledReport(evaluations: readonly StoredEvaluation[], aus: number[]): AuReport {
  return auReport(evaluations.flatMap((e) => e.predictions), evaluations.flatMap((e) => e.truth), aus);
}
