/**
 * Evidence for (or against) the geometry guidance: G2RL and the λ = 0 baseline trained on the
 * same split for several seeds (`ablation --seeds N`), and the same with fewer training
 * subjects (`data-efficiency`). Each comparison is paired: both arms are scored on the same
 * held-out frames, and the difference of mean ICC(3,1) gets a 95 % percentile bootstrap
 * interval over held-out identities (strata: seeds). Every arm is resumable (stored-evaluation.ts).
 */
import { pairedMeanIccDifference, type BootstrapInterval, type PairedIccComparison } from '@g2rl/metrics';
import type { TrainConfig } from './config.js';
import { loadData, type LoadedData } from './data.js';
import { UserError } from './errors.js';
import type { Reporter } from './progress.js';
import { configBlock, formatVersions, labelChecksum, packageVersions, writeResultFiles } from './provenance.js';
import { runPaths } from './run-folder.js';
import type { StopFlag } from './stop.js';
import { localRuns, type RunExecutor, type RunSpec } from './run-executor.js';
import { pooledReport, uncalibratedPredictions, type StoredEvaluation } from './stored-evaluation.js';

export interface ArmPair {
  seed: number;
  g2rl: StoredEvaluation;
  baseline: StoredEvaluation;
}

export interface ExperimentContext {
  reporter: Reporter;
  stop: StopFlag;
  resamples: number;
  /** who trains the runs (default: this process, one after another) */
  runs?: RunExecutor;
}

/**
 * The config every arm starts from: the synthetic data set is made once with the base seed
 * (`data.syntheticSeed`), so seeds change initialisation, shuffling, augmentation and the split,
 * not the faces.
 */
function experimentBase(config: TrainConfig): TrainConfig {
  if (config.train.lambda === 0) throw new UserError('this compares λ > 0 with λ = 0; set train.lambda (--lambda) above 0');
  return { ...config, data: { ...config.data, syntheticSeed: config.data.syntheticSeed ?? config.seed } };
}

/** Trains (or reuses) G2RL and the λ = 0 baseline with `config`, for each seed. */
async function trainPairs(config: TrainConfig, name: string, seeds: number[], data: LoadedData, ctx: ExperimentContext): Promise<ArmPair[]> {
  ctx.reporter.info(`${name}: seeds ${seeds.join(', ')}: G2RL (λ = ${config.train.lambda}) and the λ = 0 baseline`);
  const specs: RunSpec[] = seeds.flatMap((seed) => {
    const seeded = { ...config, seed };
    return [{ config: { ...seeded, name: `${name}-seed${seed}-g2rl` } }, { config: { ...seeded, name: `${name}-seed${seed}-baseline`, train: { ...seeded.train, lambda: 0 } } }];
  });
  const evaluations = await (ctx.runs ?? localRuns)(specs, data, ctx);
  const pairs: ArmPair[] = [];
  for (const [i, seed] of seeds.entries()) {
    const g2rl = evaluations[2 * i]!;
    const baseline = evaluations[2 * i + 1]!;
    if (g2rl.ids.join('\n') !== baseline.ids.join('\n')) throw new Error(`${name}: seed ${seed}: the two arms were scored on different frames; a paired comparison needs the same`);
    pairs.push({ seed, g2rl, baseline });
  }
  return pairs;
}

/** The paired comparison of the scored predictions (calibrated where the runs are), or of the uncalibrated decode. */
function compare(pairs: ArmPair[], aus: number[], bootstrapSeed: number, resamples: number, predictionsOf: (e: StoredEvaluation) => number[][] = (e) => e.predictions): PairedIccComparison {
  return pairedMeanIccDifference(
    pairs.map((p) => ({ predictionsA: predictionsOf(p.g2rl), predictionsB: predictionsOf(p.baseline), truth: p.g2rl.truth, identities: p.g2rl.subjects })),
    aus,
    { seed: bootstrapSeed, resamples },
  );
}

/**
 * How the arms were scored, the same for both: the test subjects, the model's decoder, and —
 * when the runs keep validation subjects — each arm's own calibration fitted on them.
 */
export interface ArmScoring {
  calibrated: boolean;
  /** Validation subjects each arm's calibration was fitted on (0 when not calibrated). */
  validationIdentities: number;
  /** The same comparison on the uncalibrated decode of the same test frames (calibrated runs only). */
  uncalibrated?: PairedIccComparison;
}

function scoringOf(pairs: ArmPair[], aus: number[], bootstrapSeed: number, resamples: number): ArmScoring {
  const arms = pairs.flatMap((p) => [p.g2rl, p.baseline]);
  const calibrated = arms.filter((e) => e.calibration).length;
  if (calibrated !== 0 && calibrated !== arms.length) throw new Error(`${calibrated} of ${arms.length} arms were calibrated; a paired comparison needs both arms scored alike`);
  if (calibrated === 0) return { calibrated: false, validationIdentities: 0 };
  return { calibrated: true, validationIdentities: arms[0].calibration!.identities, uncalibrated: compare(pairs, aus, bootstrapSeed, resamples, uncalibratedPredictions) };
}

/** One sentence on how both arms were scored, for the reports. */
export function scoringSentence(s: ArmScoring): string {
  return s.calibrated
    ? `Both arms scored once on the test subjects with the model's decoder, calibrated per AU (sd(truth)/sd(predicted)) on each arm's own ${s.validationIdentities} validation subjects, as \`demo\` does.`
    : 'Both arms scored once on the held-out subjects with the model\'s decoder, uncalibrated (the config keeps no validation subjects).';
}

const uncalibratedSentence = (s: ArmScoring) =>
  s.uncalibrated ? ` Without the calibration (the same test frames, uncalibrated decode): ${signed(s.uncalibrated.difference.estimate)} ${interval(s.uncalibrated.difference)}.` : '';

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');
const signed = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(3)}` : '—');
const interval = (i: BootstrapInterval) => `[${signed(i.low)}, ${signed(i.high)}]`;
const plainInterval = (i: BootstrapInterval) => `[${f3(i.low)}, ${f3(i.high)}]`;

/** What an interval of a difference says, in words, whichever way it falls. */
export function verdict(difference: BootstrapInterval): string {
  if (difference.low > 0) return 'G2RL is ahead: the whole 95 % interval is above 0';
  if (difference.high < 0) return 'The λ = 0 baseline is ahead: the whole 95 % interval is below 0';
  return 'No difference is shown: the 95 % interval includes 0';
}

/** What both experiment reports record about where their numbers come from. */
export interface ExperimentProvenance {
  data: string;
  labelChecksum: string;
  bootstrap: { seed: number; resamples: number; confidence: number; unit: 'held-out identity'; strata: 'seed' };
  versions: Record<string, string>;
  config: TrainConfig;
}

function provenanceOf(base: TrainConfig, data: LoadedData, resamples: number): ExperimentProvenance {
  return {
    data: data.description,
    labelChecksum: labelChecksum(data.samples),
    bootstrap: { seed: base.seed, resamples, confidence: 0.95, unit: 'held-out identity', strata: 'seed' },
    versions: packageVersions(),
    config: base,
  };
}

export interface AblationResult extends ExperimentProvenance {
  format: 'g2rl-ablation/1';
  lambda: number;
  seeds: number[];
  aus: number[];
  comparison: PairedIccComparison;
  perAu: { au: number; g2rl: number; baseline: number }[];
  split: string[];
  scoring: ArmScoring;
}

/** `ablation --seeds N`: writes `<runsDir>/<name>-ablation/ablation.{md,csv,json}`. */
export async function runAblation(config: TrainConfig, seedCount: number, ctx: ExperimentContext): Promise<{ result: AblationResult; markdown: string; dir: string }> {
  const base = experimentBase(config);
  const data = await loadData(base, ctx.reporter);
  const seeds = Array.from({ length: seedCount }, (_, i) => base.seed + i);
  const pairs = await trainPairs(base, base.name, seeds, data, ctx);
  const comparison = compare(pairs, data.aus, base.seed, ctx.resamples);
  // Per AU: the ICC of each arm over all seeds' held-out frames together.
  const g2rlPooled = pooledReport(pairs.map((p) => p.g2rl), data.aus);
  const baselinePooled = pooledReport(pairs.map((p) => p.baseline), data.aus);
  const result: AblationResult = {
    format: 'g2rl-ablation/1',
    lambda: base.train.lambda,
    seeds,
    aus: data.aus,
    comparison,
    perAu: data.aus.map((au, a) => ({ au, g2rl: g2rlPooled.aus[a].icc, baseline: baselinePooled.aus[a].icc })),
    split: pairs.map((p) => `seed ${p.seed}: ${p.g2rl.split.description}, ${p.g2rl.split.trainImages} training images, ${p.g2rl.split.testImages} held-out images of ${p.g2rl.split.testSubjects.length} subjects`),
    scoring: scoringOf(pairs, data.aus, base.seed, ctx.resamples),
    ...provenanceOf(base, data, ctx.resamples),
  };
  const markdown = ablationMarkdown(result);
  const dir = runPaths(base.runsDir, `${base.name}-ablation`).dir;
  writeResultFiles(dir, 'ablation', { markdown, csv: ablationCsv(result), json: result });
  return { result, markdown, dir };
}

export function ablationMarkdown(r: AblationResult): string {
  const c = r.comparison;
  const perSeed = r.seeds.map((seed, i) => {
    const e = c.perEvaluation[i];
    return `| ${seed} | ${e.identities} | ${e.frames} | ${f3(e.a)} | ${f3(e.b)} | ${signed(e.difference)} |`;
  });
  return [
    `# Ablation: G2RL (λ = ${r.lambda}) vs the λ = 0 heatmap baseline, ${r.seeds.length} seed${r.seeds.length > 1 ? 's' : ''}`,
    '',
    `${r.data}. Same split, data and schedule for both arms of a seed; ${r.split.join('; ')}. ${scoringSentence(r.scoring)}`,
    '',
    '| seed | held-out identities | frames | mean ICC(3,1) G2RL | mean ICC(3,1) λ=0 | G2RL − λ=0 |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...perSeed,
    `| **all** | | | **${f3(c.a.estimate)}** ${plainInterval(c.a)} | **${f3(c.b.estimate)}** ${plainInterval(c.b)} | **${signed(c.difference.estimate)}** ${interval(c.difference)} |`,
    '',
    `Paired difference of mean ICC(3,1), G2RL − λ = 0: **${signed(c.difference.estimate)}**, 95 % interval ${interval(c.difference)} ` +
      `(percentile bootstrap over held-out identities within each seed, B = ${r.bootstrap.resamples}, seed ${r.bootstrap.seed}). ${verdict(c.difference)}.${uncalibratedSentence(r.scoring)}`,
    '',
    '## Per AU (ICC(3,1) over all seeds’ held-out frames)',
    '',
    '| AU | G2RL | λ = 0 | G2RL − λ=0 |',
    '| --- | ---: | ---: | ---: |',
    ...r.perAu.map((row) => `| AU${row.au} | ${f3(row.g2rl)} | ${f3(row.baseline)} | ${signed(row.g2rl - row.baseline)} |`),
    '',
    '## Provenance',
    '',
    `- labels: ${r.labelChecksum}`,
    `- run seeds: ${r.seeds.join(', ')}; synthetic data seed: ${r.config.data.syntheticSeed ?? r.config.seed}; bootstrap seed: ${r.bootstrap.seed}`,
    `- versions: ${formatVersions(r.versions)}`,
    '',
    ...configBlock(r.config),
  ].join('\n');
}

function ablationCsv(r: AblationResult): string {
  const rows = r.seeds.map((seed, i) => {
    const e = r.comparison.perEvaluation[i];
    return [seed, e.identities, e.frames, e.a, e.b, e.difference, '', ''].join(',');
  });
  const d = r.comparison.difference;
  rows.push(['all', '', '', r.comparison.a.estimate, r.comparison.b.estimate, d.estimate, d.low, d.high].join(','));
  return `${['seed,identities,frames,mean_icc_g2rl,mean_icc_baseline,difference,difference_low,difference_high', ...rows].join('\n')}\n`;
}

export interface DataEfficiencyResult extends ExperimentProvenance {
  format: 'g2rl-data-efficiency/1';
  lambda: number;
  seeds: number[];
  rows: { trainSubjects: number; trainImages: number; comparison: PairedIccComparison; scoring: ArmScoring }[];
}

/**
 * `data-efficiency`: for each number of training subjects (nested choices by seed, the test
 * split unchanged), G2RL and the baseline for each seed; writes `<name>-data-efficiency/`.
 */
export async function runDataEfficiency(config: TrainConfig, subjectCounts: number[], seedCount: number, ctx: ExperimentContext): Promise<{ result: DataEfficiencyResult; markdown: string; dir: string }> {
  const base = experimentBase(config);
  const data = await loadData(base, ctx.reporter);
  const seeds = Array.from({ length: seedCount }, (_, i) => base.seed + i);
  const rows: DataEfficiencyResult['rows'] = [];
  for (const count of subjectCounts) {
    const limited = { ...base, data: { ...base.data, maxTrainSubjects: count } };
    const pairs = await trainPairs(limited, `${base.name}-${count}subjects`, seeds, data, ctx);
    const trainImages = Math.round(pairs.reduce((sum, p) => sum + p.g2rl.split.trainImages, 0) / pairs.length);
    rows.push({ trainSubjects: count, trainImages, comparison: compare(pairs, data.aus, base.seed, ctx.resamples), scoring: scoringOf(pairs, data.aus, base.seed, ctx.resamples) });
  }
  const result: DataEfficiencyResult = {
    format: 'g2rl-data-efficiency/1',
    lambda: base.train.lambda,
    seeds,
    rows,
    ...provenanceOf(base, data, ctx.resamples),
  };
  const markdown = dataEfficiencyMarkdown(result);
  const dir = runPaths(base.runsDir, `${base.name}-data-efficiency`).dir;
  const csv = result.rows.map((row) => [row.trainSubjects, row.trainImages, row.comparison.a.estimate, row.comparison.b.estimate, row.comparison.difference.estimate, row.comparison.difference.low, row.comparison.difference.high].join(','));
  writeResultFiles(dir, 'data-efficiency', { markdown, csv: `${['train_subjects,train_images,mean_icc_g2rl,mean_icc_baseline,difference,difference_low,difference_high', ...csv].join('\n')}\n`, json: result });
  return { result, markdown, dir };
}

export function dataEfficiencyMarkdown(r: DataEfficiencyResult): string {
  return [
    `# Data efficiency: G2RL (λ = ${r.lambda}) vs λ = 0 by number of training subjects, ${r.seeds.length} seed${r.seeds.length > 1 ? 's' : ''}`,
    '',
    `${r.data}. The held-out subjects stay the same for a seed; the training subjects are a nested, seeded subset of the split's. ${r.rows.length ? scoringSentence(r.rows[0].scoring) : ''}`,
    '',
    '| training subjects | training images | mean ICC(3,1) G2RL | mean ICC(3,1) λ=0 | G2RL − λ=0 | 95 % interval | reading | uncalibrated: G2RL − λ=0 [95 %] |',
    '| ---: | ---: | ---: | ---: | ---: | --- | --- | --- |',
    ...r.rows.map((row) => {
      const c = row.comparison;
      const u = row.scoring.uncalibrated;
      return `| ${row.trainSubjects} | ${row.trainImages} | ${f3(c.a.estimate)} | ${f3(c.b.estimate)} | ${signed(c.difference.estimate)} | ${interval(c.difference)} | ${verdict(c.difference)} | ${u ? `${signed(u.difference.estimate)} ${interval(u.difference)}` : '—'} |`;
    }),
    '',
    `Intervals: percentile bootstrap over held-out identities within each seed, B = ${r.bootstrap.resamples}, seed ${r.bootstrap.seed}. Labels: ${r.labelChecksum}.`,
    `Versions: ${formatVersions(r.versions)}.`,
    '',
  ].join('\n');
}
