/**
 * Fits a trained model's per-AU intensity calibration on the validation subjects of its split
 * (never the test subjects) and writes it into its model card (`heatmap.scale`), which every
 * decoder of the model reads (`codecFromCard`: eval, the analyzer, the server). Used by the
 * `calibrate` command (and so by `demo`) and by every experiment run whose config keeps
 * validation subjects (`stored-evaluation.ts`), so that both arms of an ablation are calibrated
 * exactly as the demo's model is.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { codecFromCard } from '@g2rl/heatmaps';
import { auReport, type AuReport } from '@g2rl/metrics';
import { loadInferenceModel } from '@g2rl/models';
import { writeFileAtomicSync } from '@g2rl/common/fs';
import { applyIntensityScales, DEFAULT_CALIBRATION, fitIntensityScales, type AuCalibration } from './calibration.js';
import type { TrainConfig } from './config.js';
import { alignedCrops, cropCacheDir, loadData, type LoadedData } from './data.js';
import { UserError } from './errors.js';
import { evaluate, type Evaluation } from './evaluate.js';
import { evaluationPredictor } from './parallel/model-pool.js';
import type { Reporter } from './progress.js';
import { splitOf } from './split.js';

/** What a calibration fitted, and the validation ICC before and after. */
export interface CalibrationResult {
  modelDir: string;
  perAu: AuCalibration[];
  scale: number[];
  validation: { description: string; frames: number; identities: number; before: AuReport; after: AuReport };
}

/**
 * Scores `modelDir`'s model, decoded without any calibration, on the validation subjects of
 * `config`'s split (fold `fold`), fits the factors sd(truth)/sd(predicted) and writes them into
 * its card. Refitting starts from the uncalibrated decode, so calling it twice gives the same
 * factors. The backend must be set up. `data`, when given, must have been loaded with the
 * card's AUs (an experiment's shared data set).
 */
export async function calibrateModel(options: {
  config: TrainConfig;
  modelDir: string;
  reporter: Reporter;
  data?: LoadedData;
  fold?: number;
  /**
   * The model's uncalibrated evaluation on these validation subjects, when the caller has it
   * (`demo`: the run scored them with the weights it exported, and an exported model predicts
   * the trainer's heatmaps bit for bit): used if its frames are the split's, else recomputed.
   */
  evaluation?: Pick<Evaluation, 'ids' | 'predictions' | 'truth' | 'report'>;
}): Promise<CalibrationResult> {
  const { config: c, reporter } = options;
  if (c.data.validationSubjects === 0) {
    throw new UserError('calibrate: the split has no validation subjects; set data.validationSubjects (--validation-subjects N, as the demo preset does): the factors are fitted on them, never on the test subjects');
  }
  const vc: TrainConfig = { ...c, data: { ...c.data, heldOut: 'validation' } };
  const modelDir = resolve(options.modelDir);
  const cardPath = join(modelDir, 'model-card.json');
  if (!existsSync(join(modelDir, 'model.json'))) throw new UserError(`no exported model in ${modelDir}; train one first (g2rl-train train) or pass --model <dir>`);
  const { model, card } = await loadInferenceModel(modelDir);
  try {
    const data = options.data ?? (await loadData({ ...vc, data: { ...vc.data, aus: card.aus } }, reporter));
    if (data.aus.join(',') !== card.aus.join(',')) throw new Error(`calibrate: ${cardPath} has AUs ${card.aus.join(',')} but the data was loaded with ${data.aus.join(',')}`);
    const split = splitOf(data.samples, vc, options.fold ?? vc.data.fold);
    const { scale: _old, ...heatmap } = card.heatmap as typeof card.heatmap & { scale?: number[] };
    reporter.info(`calibrating on ${split.test.length} validation images (${split.testSubjects.length} subjects)`);
    const given = options.evaluation;
    let evaluation = given && given.ids.length === split.test.length && given.ids.every((id, i) => id === split.test[i]!.id) ? given : undefined;
    if (!evaluation) {
      const cache = await alignedCrops(split.test, { size: card.input.size, cacheDir: cropCacheDir(vc) }, reporter);
      const predictor = await evaluationPredictor(model, modelDir, c.workers);
      try {
        evaluation = await evaluate({ samples: split.test, cache, predict: predictor.predict, codec: codecFromCard({ ...card, heatmap }) });
      } finally {
        await predictor.close();
      }
    }
    const perAu = fitIntensityScales(evaluation.predictions, evaluation.truth, card.aus, DEFAULT_CALIBRATION);
    const scale = perAu.map((f) => f.scale);
    const after = auReport(applyIntensityScales(evaluation.predictions, scale), evaluation.truth, card.aus);
    const written = JSON.parse(readFileSync(cardPath, 'utf8')) as Record<string, unknown> & { heatmap: Record<string, unknown> };
    written.heatmap = { ...written.heatmap, scale };
    written.calibration = {
      method: 'per-AU factor sd(truth) / sd(predicted) on validation subjects, clamped to [1, 4], 1 below 10 active frames',
      fittedOn: split.description,
      frames: split.test.length,
      identities: split.testSubjects.length,
      meanIcc31Before: evaluation.report.mean.icc,
      meanIcc31After: after.mean.icc,
    };
    writeFileAtomicSync(cardPath, `${JSON.stringify(written, null, 2)}\n`);
    return { modelDir, perAu, scale, validation: { description: split.description, frames: split.test.length, identities: split.testSubjects.length, before: evaluation.report, after } };
  } finally {
    model.dispose();
  }
}
