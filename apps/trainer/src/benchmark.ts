/**
 * `benchmark`: a data set's standard protocol in one resumable command (DISFA: its 3 subject
 * folds; BP4D: the FERA 2015 train/test split; other data: the seeded subject k-fold), and the
 * paper-style results table as Markdown, CSV and JSON with the config, seeds, package versions
 * and a checksum of the labels.
 */
import { meanIccInterval, type AuReport, type BootstrapInterval } from '@g2rl/metrics';
import type { TrainConfig } from './config.js';
import { loadData, type LoadedData } from './data.js';
import type { Reporter } from './progress.js';
import { configBlock, formatVersions, labelChecksum, packageVersions, writeResultFiles } from './provenance.js';
import { runPaths } from './run-folder.js';
import { foldCount, splitOf } from './split.js';
import type { StopFlag } from './stop.js';
import { localRuns, type RunExecutor, type RunSpec } from './run-executor.js';
import { pooledReport, type StoredEvaluation } from './stored-evaluation.js';

export const BENCHMARK_FORMAT = 'g2rl-benchmark/1';

/** Per AU: the pooled figures and the ICC's interval over held-out subjects. */
export interface BenchmarkRow {
  au: number | 'mean';
  n: number;
  icc: number;
  iccInterval: BootstrapInterval;
  mae: number;
  pcc: number;
}

export interface BenchmarkResult {
  format: typeof BENCHMARK_FORMAT;
  protocol: string;
  data: string;
  labelChecksum: string;
  frames: number;
  subjects: number;
  seeds: { run: number; bootstrap: number };
  bootstrap: { resamples: number; confidence: number; unit: 'held-out subject' };
  rows: BenchmarkRow[];
  pooled: AuReport;
  folds: { fold: number; name: string; description: string; trainSubjects: string[]; testSubjects: string[]; trainImages: number; testImages: number; report: AuReport }[];
  versions: Record<string, string>;
  config: TrainConfig;
}

/** Runs (or reuses) every fold of the protocol and writes `<runsDir>/<name>-benchmark/results.{md,csv,json}`. */
export async function runBenchmark(options: { config: TrainConfig; reporter: Reporter; stop: StopFlag; resamples: number; runs?: RunExecutor }): Promise<{ result: BenchmarkResult; dir: string; markdown: string }> {
  const { config: c, reporter, stop } = options;
  const data = await loadData(c, reporter);
  const folds = foldCount(c);
  // Every fold must have subjects on both sides before hours go into the first one.
  for (let fold = 0; fold < folds; fold++) splitOf(data.samples, c, fold);
  const specs: RunSpec[] = Array.from({ length: folds }, (_, fold) => ({ config: { ...c, name: `${c.name}-fold${fold + 1}`, data: { ...c.data, fold } }, fold }));
  reporter.info(`benchmark: ${folds} folds`);
  const evaluations = await (options.runs ?? localRuns)(specs, data, { reporter, stop });
  const result = benchmarkResult(c, data, evaluations, options.resamples);
  const dir = runPaths(c.runsDir, `${c.name}-benchmark`).dir;
  const markdown = benchmarkMarkdown(result);
  writeResultFiles(dir, 'results', { markdown, csv: benchmarkCsv(result), json: result });
  return { result, dir, markdown };
}

/** Pools the folds' held-out frames (each subject tested once) and adds the intervals. */
export function benchmarkResult(config: TrainConfig, data: LoadedData, evaluations: StoredEvaluation[], resamples: number): BenchmarkResult {
  const aus = data.aus;
  const pooled = pooledReport(evaluations, aus);
  const frames = {
    predictions: evaluations.flatMap((e) => e.predictions),
    truth: evaluations.flatMap((e) => e.truth),
    identities: evaluations.flatMap((e) => e.subjects),
  };
  const bootstrap = { seed: config.seed, resamples };
  const column = (rows: number[][], a: number) => rows.map((row) => [row[a]]);
  const rows: BenchmarkRow[] = pooled.aus.map((row, a) => ({
    au: row.au,
    n: row.n,
    icc: row.icc,
    iccInterval: meanIccInterval({ predictions: column(frames.predictions, a), truth: column(frames.truth, a), identities: frames.identities }, [row.au], bootstrap),
    mae: row.mae,
    pcc: row.pcc,
  }));
  rows.push({ au: 'mean', n: pooled.frames, icc: pooled.mean.icc, iccInterval: meanIccInterval(frames, aus, bootstrap), mae: pooled.mean.mae, pcc: pooled.mean.pcc });
  return {
    format: BENCHMARK_FORMAT,
    protocol: evaluations.length > 1 ? `${evaluations[0].split.description.replace(/, fold 1 of \d+$/, '')}: ${evaluations.length} folds, each subject tested once` : evaluations[0].split.description,
    data: data.description,
    labelChecksum: labelChecksum(data.samples),
    frames: pooled.frames,
    subjects: new Set(frames.identities).size,
    seeds: { run: config.seed, bootstrap: config.seed },
    bootstrap: { resamples, confidence: 0.95, unit: 'held-out subject' },
    rows,
    pooled,
    folds: evaluations.map((e, fold) => ({
      fold: fold + 1,
      name: e.name,
      description: e.split.description,
      trainSubjects: e.split.trainSubjects,
      testSubjects: e.split.testSubjects,
      trainImages: e.split.trainImages,
      testImages: e.split.testImages,
      report: e.report,
    })),
    versions: packageVersions(),
    config,
  };
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');
const auName = (au: number | 'mean') => (au === 'mean' ? 'Mean' : `AU${au}`);

/** The paper-style table (AUs as columns; ICC(3,1), MAE, PCC as rows), intervals, folds and provenance. */
export function benchmarkMarkdown(r: BenchmarkResult): string {
  const header = `| | ${r.rows.map((row) => (row.au === 'mean' ? '**Mean**' : auName(row.au))).join(' | ')} |`;
  const align = `| --- | ${r.rows.map(() => '---:').join(' | ')} |`;
  const line = (label: string, pick: (row: BenchmarkRow) => number) => `| ${label} | ${r.rows.map((row) => (row.au === 'mean' ? `**${f3(pick(row))}**` : f3(pick(row)))).join(' | ')} |`;
  const mean = r.rows[r.rows.length - 1];
  const intervals = r.rows.map((row) => `| ${auName(row.au)} | ${row.n} | ${f3(row.icc)} | [${f3(row.iccInterval.low)}, ${f3(row.iccInterval.high)}] |`);
  const folds = r.folds.map((fold) => `| ${fold.fold} | ${fold.testSubjects.join(' ')} | ${fold.trainImages} | ${fold.testImages} | ${f3(fold.report.mean.icc)} | ${f3(fold.report.mean.mae)} | ${f3(fold.report.mean.pcc)} |`);
  return [
    `# Benchmark: ${r.data}`,
    '',
    `${r.protocol}. Held out: ${r.frames} frames of ${r.subjects} subjects, each scored by a model that never trained on them; the figures pool all test folds.`,
    '',
    header,
    align,
    line('ICC(3,1)', (row) => row.icc),
    line('MAE', (row) => row.mae),
    line('PCC', (row) => row.pcc),
    '',
    `Mean ICC(3,1) **${f3(mean.icc)}**, 95 % interval [${f3(mean.iccInterval.low)}, ${f3(mean.iccInterval.high)}] (percentile bootstrap over the ${r.subjects} held-out subjects, B = ${r.bootstrap.resamples}, seed ${r.seeds.bootstrap}).`,
    '',
    '## ICC(3,1) with 95 % intervals over held-out subjects',
    '',
    '| AU | frames | ICC(3,1) | 95 % interval |',
    '| --- | ---: | ---: | --- |',
    ...intervals,
    '',
    '## Folds',
    '',
    '| fold | test subjects | training images | test images | mean ICC(3,1) | mean MAE | mean PCC |',
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: |',
    ...folds,
    '',
    '## Provenance',
    '',
    `- labels: ${r.labelChecksum} (SHA-256 of every sample's id and labels, training and test, sorted by id)`,
    `- seeds: run ${r.seeds.run}, bootstrap ${r.seeds.bootstrap}`,
    `- versions: ${formatVersions(r.versions)}`,
    '- config (resolved; each fold runs it with its own `name` and `data.fold`):',
    '',
    ...configBlock(r.config),
  ].join('\n');
}

/** One row per AU and a mean row: `au,n,icc,icc_low,icc_high,mae,pcc`. */
export function benchmarkCsv(r: BenchmarkResult): string {
  const value = (v: number) => (Number.isFinite(v) ? String(v) : '');
  const rows = r.rows.map((row) => [auName(row.au), row.n, value(row.icc), value(row.iccInterval.low), value(row.iccInterval.high), value(row.mae), value(row.pcc)].join(','));
  return `${['au,n,icc,icc_low,icc_high,mae,pcc', ...rows].join('\n')}\n`;
}
