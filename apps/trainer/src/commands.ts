/**
 * The `g2rl-train` commands. Each takes parsed flags, does its work, and returns; the CLI
 * wrapper (cli.ts) turns errors into exit codes.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve, extname, relative } from 'node:path';
import { contactSheet, disfaLayout, extractDisfaFrames, formatSkipped, readManifest, type Sample } from '@g2rl/datasets';
import { AnalyzerError, createAnalyzer, csvHeader, csvRow, type AnalyzeOptions } from '@g2rl/analyzer';
import { LANDMARK_SCHEMES, codecFromCard } from '@g2rl/heatmaps';
import { formatReport, type AuReport } from '@g2rl/metrics';
import { runAblation, runDataEfficiency, type AblationResult, type DataEfficiencyResult } from './ablation.js';
import { runBenchmark, type BenchmarkResult } from './benchmark.js';
import { calibrateModel, type CalibrationResult } from './calibrate-model.js';
import { exportInferenceModel, loadInferenceModel } from '@g2rl/models';
import { writeFileAtomicSync } from '@g2rl/common/fs';
import { resolveConfig, type DeepPartial, type TrainConfig } from './config.js';
import { alignedCrops, cropCacheDir, describeDisfaSubject, disfaOptions, ensureSyntheticData, loadData, manifestOptions, type LoadedData } from './data.js';
import { UserError } from './errors.js';
import { evaluate, type Evaluation } from './evaluate.js';
import { evaluationPredictor } from './parallel/model-pool.js';
import { runPipeline, setupBackend, writeReports, type RunOutcome } from './pipeline.js';
import { absoluteConfig, queuedRuns, startTrainWorker } from './queued-runs.js';
import { localRuns, type RunExecutor, type RunSpec } from './run-executor.js';
import { pooledReport } from './stored-evaluation.js';
import { redactRedisUrl } from '@g2rl/queue';
import type { Reporter } from './progress.js';
import { runPaths } from './run-folder.js';
import { foldCount, splitOf } from './split.js';
import { readHistory } from './history.js';
import type { StopFlag } from './stop.js';
import { presetSizes } from './training-codec.js';

export interface CommandContext {
  reporter: Reporter;
  stop: StopFlag;
  /** Prints the final result (a report table) even with --quiet. */
  print: (text: string) => void;
}

export interface CommonFlags {
  preset?: string;
  config?: string;
  overrides: DeepPartial<TrainConfig>;
}

const config = (flags: CommonFlags) => resolveConfig({ preset: flags.preset, file: flags.config, overrides: flags.overrides });

/** `synth`: makes (or reuses) the synthetic data set and its contact sheet. */
export async function synthCommand(flags: CommonFlags, ctx: CommandContext): Promise<void> {
  const c = config(flags);
  const manifest = await ensureSyntheticData({ ...c, data: { ...c.data, kind: 'synthetic' } }, ctx.reporter);
  const sheet = join(resolve(c.data.path), 'contact-sheet.png');
  await contactSheet({ seed: c.seed, identities: 3, outFile: sheet, drawLandmarks: false });
  ctx.print(`synthetic data: ${manifest}\ncontact sheet: ${sheet}`);
}

/**
 * `prepare`: DISFA's videos → frames (once, with ffmpeg; a subject whose frames folder exists is
 * kept), the data read and checked (per-subject frame counts, landmark numbering, gaps), and
 * the aligned-crop cache written, so that `train`, `cv` and `benchmark` start at once.
 */
export async function prepareCommand(flags: CommonFlags, ctx: CommandContext): Promise<void> {
  const c = config(flags);
  const lines: string[] = [];
  if (c.data.kind === 'disfa') {
    const options = disfaOptions(c);
    const extracted = await extractDisfaFrames(resolve(c.data.path), {
      ...options,
      onSubject: (e) => ctx.reporter.info(`frames: ${e.subject}: ${e.reused ? `${e.frames} frames already in` : `${e.frames} frames from ${e.video} →`} ${e.dir}`),
    });
    const layout = disfaLayout(resolve(c.data.path), options);
    lines.push(extracted.length ? `frames of ${extracted.length} ${layout.camera}-camera videos in ${layout.imagesDir} (${extracted.filter((e) => !e.reused).length} extracted now)` : `no ${layout.camera}-camera videos in ${layout.videosDir}; using the frames already in ${layout.imagesDir}`);
  } else if (c.data.disfa.videosDir !== null) {
    throw new UserError(`--videos-dir is for --data disfa (data.kind is ${c.data.kind})`);
  }
  const data = await loadData(c, ctx.reporter);
  if (data.disfaSubjects) lines.push(...data.disfaSubjects.map(describeDisfaSubject));
  if (data.skipped.length) lines.push(formatSkipped(data.skipped));
  const { size } = presetSizes(c.model.preset);
  let last = 0;
  const cache = await alignedCrops(data.samples, {
    size,
    cacheDir: cropCacheDir(c),
    onProgress: (done, total) => {
      if (done - last >= 200 || done === total) {
        last = done;
        ctx.reporter.step({ phase: 'align', epoch: 1, epochs: 1, step: done, steps: total, values: {}, imagesPerSecond: 0 });
      }
    },
  }, ctx.reporter);
  lines.push(`prepared ${cache.count} aligned ${size}×${size} crops of ${data.description} in ${cache.path}`);
  ctx.print(lines.join('\n'));
}

/** `train` (and `demo`): one run; prints its report. */
export async function trainCommand(flags: CommonFlags & { resume?: boolean; overwrite?: boolean }, ctx: CommandContext, loaded?: { data: LoadedData; seconds: number }): Promise<RunOutcome> {
  const c = config(flags);
  const outcome = await runPipeline({ config: c, resume: flags.resume, overwrite: flags.overwrite, reporter: ctx.reporter, stop: ctx.stop, data: loaded?.data, dataSeconds: loaded?.seconds });
  const s = outcome.seconds;
  ctx.print(
    [
      '',
      `Held-out evaluation (${outcome.split.description}; ${outcome.split.test.length} images of ${outcome.split.testSubjects.length} subjects never seen in training):`,
      formatReport(outcome.report, 'text'),
      '',
      `time: data ${s.data.toFixed(0)} s, geometry pretraining ${s.pretrain.toFixed(0)} s, training ${s.train.toFixed(0)} s, evaluation ${s.evaluate.toFixed(0)} s, total ${s.total.toFixed(0)} s`,
      `run folder: ${outcome.paths.dir}`,
      `model: ${outcome.paths.model} (serve it with: pnpm serve --model ${relative(process.cwd(), outcome.paths.model) || '.'})`,
    ].join('\n'),
  );
  return outcome;
}

/** `eval`: an exported model (a run's, or --model) on the held-out subjects of the config's split. */
/** `data`, when given, is the config's data set already loaded (`demo`); used if its AUs are the card's. */
export async function evalCommand(flags: CommonFlags & { model?: string }, ctx: CommandContext, loaded?: LoadedData): Promise<AuReport> {
  const c = config(flags);
  const paths = runPaths(c.runsDir, c.name);
  const modelDir = resolve(flags.model ?? paths.model);
  if (!existsSync(join(modelDir, 'model.json'))) throw new UserError(`no exported model in ${modelDir}; train one first (g2rl-train train) or pass --model <dir>`);
  await setupBackend(c.backend, ctx.reporter);
  const { model, card } = await loadInferenceModel(modelDir);
  try {
    const data = loaded && loaded.aus.join() === card.aus.join() ? loaded : await loadData({ ...c, data: { ...c.data, aus: card.aus } }, ctx.reporter);
    const split = splitOf(data.samples, c);
    const cache = await alignedCrops(split.test, { size: card.input.size, cacheDir: cropCacheDir(c) }, ctx.reporter);
    const predictor = await evaluationPredictor(model, modelDir, c.workers);
    let evaluation;
    try {
      evaluation = await evaluate({ samples: split.test, cache, predict: predictor.predict, codec: codecFromCard(card) });
    } finally {
      await predictor.close();
    }
    const outPaths = flags.model ? runPaths(c.runsDir, `${c.name}-eval`) : paths;
    mkdirSync(outPaths.dir, { recursive: true });
    await writeReports(outPaths, evaluation, card.aus, readHistory(paths), `${modelDir}: ${split.description}`);
    ctx.print(`${split.description}, ${split.test.length} images:\n${formatReport(evaluation.report, 'text')}\nreport: ${outPaths.report.text}`);
    return evaluation.report;
  } finally {
    model.dispose();
  }
}

/**
 * `calibrate`: per-AU intensity factors (sd(truth)/sd(predicted), `calibration.ts`) fitted on
 * the validation subjects of the config's split — never the test subjects — and written into
 * the model card (`heatmap.scale`; `calibrate-model.ts`).
 */
/** `data`, `evaluation`: see `calibrateModel` (`demo` has both from training). */
export async function calibrateCommand(flags: CommonFlags & { model?: string }, ctx: CommandContext, data?: LoadedData, evaluation?: Evaluation): Promise<CalibrationResult> {
  const c = config(flags);
  if (c.data.validationSubjects > 0) await setupBackend(c.backend, ctx.reporter);
  const result = await calibrateModel({ config: c, modelDir: flags.model ?? runPaths(c.runsDir, c.name).model, reporter: ctx.reporter, data, evaluation });
  const runDir = runPaths(c.runsDir, c.name).dir;
  if (!flags.model && existsSync(runDir)) writeFileAtomicSync(join(runDir, 'calibration.json'), `${JSON.stringify(result, null, 2)}\n`);
  const { before, after, description, frames, identities } = result.validation;
  const rows = result.perAu.map((f, a) => `AU${f.au}`.padEnd(5) + ` ${f.scale.toFixed(2).padStart(5)}  ${before.aus[a].icc.toFixed(3)} → ${after.aus[a].icc.toFixed(3)}${f.note ? `  (${f.note})` : ''}`);
  ctx.print(
    [
      `Calibration on ${description}: ${frames} images of ${identities} subjects (never the test subjects)`,
      'AU    factor  ICC(3,1) before → after',
      ...rows,
      `mean ICC(3,1) ${before.mean.icc.toFixed(3)} → ${after.mean.icc.toFixed(3)}, MAE ${before.mean.mae.toFixed(3)} → ${after.mean.mae.toFixed(3)} (on the frames the factors were fitted on)`,
      `written to ${join(result.modelDir, 'model-card.json')} (heatmap.scale)`,
    ].join('\n'),
  );
  return result;
}

/**
 * `demo`: the demo preset trained and scored on its validation subjects, the intensity
 * calibration fitted on them, and the calibrated model scored once on the test subjects.
 */
export async function demoCommand(flags: CommonFlags & { resume?: boolean }, ctx: CommandContext): Promise<void> {
  const preset = flags.preset ?? 'demo';
  const c = resolveConfig({ preset, file: flags.config, overrides: flags.overrides });
  // A config without validation subjects: trained and scored on the test subjects, uncalibrated.
  if (c.data.validationSubjects === 0) {
    await trainCommand({ ...flags, preset, overwrite: !flags.resume }, ctx);
    return;
  }
  const validation = mergeOverrides(flags.overrides, { data: { heldOut: 'validation' } });
  // One data set for the three steps (loading verifies every synthetic image's checksum).
  const started = Date.now();
  const data = await loadData(c, ctx.reporter);
  const trained = await trainCommand({ ...flags, preset, overrides: validation, overwrite: !flags.resume }, ctx, { data, seconds: (Date.now() - started) / 1000 });
  // The run scored the validation subjects uncalibrated already: calibration fits on that.
  await calibrateCommand({ ...flags, preset }, ctx, data, trained.evaluation);
  await evalCommand({ ...flags, preset, overrides: mergeOverrides(flags.overrides, { data: { heldOut: 'test' } }) }, ctx, data);
}

function mergeOverrides(base: DeepPartial<TrainConfig>, extra: DeepPartial<TrainConfig>): DeepPartial<TrainConfig> {
  return { ...base, data: { ...base.data, ...extra.data } };
}

/**
 * The config of a command and who trains its runs: with `--queue URL`, the workers of that
 * Redis queue (the config's folders made absolute so that they find the same files), else this
 * process.
 */
function experimentSetup(flags: CommonFlags & { queue?: string }): { c: TrainConfig; runs: RunExecutor } {
  const c = config(flags);
  return flags.queue ? { c: absoluteConfig(c), runs: queuedRuns(flags.queue) } : { c, runs: localRuns };
}

/** `cv`: k-fold by subject, a run per fold (finished folds reused, killed ones resumed) and a pooled report. */
export async function cvCommand(flags: CommonFlags & { queue?: string }, ctx: CommandContext): Promise<AuReport> {
  const { c, runs } = experimentSetup(flags);
  const data = await loadData(c, ctx.reporter);
  const folds = foldCount(c);
  const specs: RunSpec[] = Array.from({ length: folds }, (_, fold) => ({ config: { ...c, name: `${c.name}-fold${fold + 1}`, data: { ...c.data, fold } }, fold }));
  const evaluations = await runs(specs, data, ctx);
  const lines = evaluations.map((e, fold) => `## Fold ${fold + 1}: ${e.split.description}\n\n${formatReport(e.report, 'markdown')}`);
  const pooled = pooledReport(evaluations, data.aus);
  const paths = runPaths(c.runsDir, `${c.name}-cv`);
  mkdirSync(paths.dir, { recursive: true });
  writeFileAtomicSync(paths.report.markdown, `# ${c.name}: ${folds}-fold cross-validation by subject\n\n${lines.join('\n\n')}\n\n## Pooled over all folds\n\n${formatReport(pooled, 'markdown')}\n`);
  writeFileAtomicSync(paths.report.json, `${JSON.stringify(pooled, null, 2)}\n`);
  writeFileAtomicSync(paths.report.text, formatReport(pooled, 'text'));
  ctx.print(`Pooled over ${folds} folds:\n${formatReport(pooled, 'text')}\nreports: ${paths.report.markdown}`);
  return pooled;
}

/** `worker`: trains the runs that `cv|benchmark|ablation|data-efficiency --queue URL` queued, until stopped. */
export async function workerCommand(flags: CommonFlags & { redis?: string; 'until-empty'?: boolean }, ctx: CommandContext): Promise<void> {
  const redis = flags.redis ?? process.env.G2RL_REDIS;
  if (!redis) throw new UserError('worker: give --redis URL (or set G2RL_REDIS)');
  const c = config(flags);
  await setupBackend(c.backend, ctx.reporter);
  const worker = startTrainWorker(redis, ctx.reporter, ctx.stop, { log: (line) => ctx.reporter.info(line) });
  ctx.reporter.info(`worker: waiting for runs on ${redactRedisUrl(redis)} (Ctrl-C stops after the current run's checkpoint)`);
  try {
    if (flags['until-empty']) await worker.idle();
    else while (!ctx.stop.requested) await new Promise((r) => setTimeout(r, 500));
  } finally {
    await worker.close();
  }
}

/** The number of bootstrap resamples from `--resamples` (default 2000). */
function resamplesOf(flags: { resamples?: string }): number {
  return positiveIntegerFlag('resamples', flags.resamples, 2000, 100);
}

function positiveIntegerFlag(flag: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UserError(`--${flag}: expected an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/** `benchmark`: the data set's standard protocol, every fold, one results table (resumable). */
export async function benchmarkCommand(flags: CommonFlags & { resamples?: string; queue?: string }, ctx: CommandContext): Promise<BenchmarkResult> {
  const { c, runs } = experimentSetup(flags);
  const { result, dir, markdown } = await runBenchmark({ config: c, reporter: ctx.reporter, stop: ctx.stop, resamples: resamplesOf(flags), runs });
  ctx.print(`${markdown.split('\n## ICC(3,1) with')[0].trim()}\n\nresults: ${join(dir, 'results.md')} (and results.csv, results.json)`);
  return result;
}

/** `ablation`: G2RL (the config's λ) and the λ = 0 baseline for `--seeds` seeds, paired, with a bootstrap interval. */
export async function ablationCommand(flags: CommonFlags & { seeds?: string; resamples?: string; queue?: string }, ctx: CommandContext): Promise<AblationResult> {
  const { c, runs } = experimentSetup(flags);
  const { result, dir, markdown } = await runAblation(c, positiveIntegerFlag('seeds', flags.seeds, 1), { reporter: ctx.reporter, stop: ctx.stop, resamples: resamplesOf(flags), runs });
  ctx.print(`${markdown.split('\n## Provenance')[0].trim()}\n\nreport: ${join(dir, 'ablation.md')} (and ablation.csv, ablation.json)`);
  return result;
}

/** `data-efficiency`: the ablation with 25, 50, … training subjects (`--train-subjects`). */
export async function dataEfficiencyCommand(flags: CommonFlags & { seeds?: string; resamples?: string; 'train-subjects'?: string; queue?: string }, ctx: CommandContext): Promise<DataEfficiencyResult> {
  const { c, runs } = experimentSetup(flags);
  const list = (flags['train-subjects'] ?? '25,50,100,200').split(',').map((v) => Number(v.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new UserError(`--train-subjects: expected subject counts separated by commas (e.g. 25,50,100,200), got ${JSON.stringify(flags['train-subjects'])}`);
  const { result, dir, markdown } = await runDataEfficiency(c, list, positiveIntegerFlag('seeds', flags.seeds, 1), { reporter: ctx.reporter, stop: ctx.stop, resamples: resamplesOf(flags), runs });
  ctx.print(`${markdown.trim()}\n\nreport: ${join(dir, 'data-efficiency.md')}`);
  return result;
}

/** `export`: copies a run's exported model (with its card) to --out, re-checking that it loads. */
export async function exportCommand(flags: CommonFlags & { model?: string; out?: string }, ctx: CommandContext): Promise<void> {
  const c = config(flags);
  if (!flags.out) throw new UserError('export needs --out <dir>');
  const from = resolve(flags.model ?? runPaths(c.runsDir, c.name).model);
  if (!existsSync(join(from, 'model.json'))) throw new UserError(`no exported model in ${from}; train a run first or pass --model <dir>`);
  await setupBackend(c.backend, ctx.reporter);
  const { model, card } = await loadInferenceModel(from);
  try {
    const { format: _f, ...rest } = card;
    await exportInferenceModel(model, resolve(flags.out), rest);
  } finally {
    model.dispose();
  }
  ctx.print(`exported ${from} → ${resolve(flags.out)} (model.json, weights.bin, model-card.json)`);
}

/**
 * `predict`: a folder of images (faces found by the detector) or a manifest (faces aligned
 * with its landmarks, in its scheme) → CSV of AU intensities, one row per face, through
 * @g2rl/analyzer (the same pipeline as g2rl-analyze and the server). An image that cannot be
 * read is one line on stderr and the run goes on; returns the number of faces and failures.
 */
export async function predictCommand(flags: CommonFlags & { model?: string; input?: string; out?: string }, ctx: CommandContext): Promise<{ faces: number; failed: number }> {
  const c = config(flags);
  if (!flags.input) throw new UserError('predict needs --input <folder of images | manifest.jsonl | manifest.csv>');
  const input = resolve(flags.input);
  if (!existsSync(input)) throw new UserError(`--input: ${input} does not exist`);
  const modelDir = resolve(flags.model ?? runPaths(c.runsDir, c.name).model);
  if (!existsSync(join(modelDir, 'model.json'))) throw new UserError(`no exported model in ${modelDir}; pass --model <dir>`);
  const byManifest = !statSync(input).isDirectory();
  const jobs: { name: string; file: string; options: AnalyzeOptions }[] = [];
  if (byManifest) {
    const samples: Sample[] = await readManifest(input, manifestOptions(c));
    for (const s of samples) jobs.push({ name: s.id, file: s.image, options: { landmarks: s.landmarks, maxFaces: 1 } });
  } else {
    const files = readdirSync(input).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
    if (files.length === 0) throw new UserError(`--input: ${input} has no .jpg, .png or .webp images`);
    for (const f of files) jobs.push({ name: f, file: join(input, f), options: {} });
  }
  const analyzer = await createAnalyzer({ model: modelDir, backend: c.backend as never, detector: byManifest ? false : 'ssd' });
  const landmarkCount = LANDMARK_SCHEMES[analyzer.card.scheme].size;
  const rows = [csvHeader(analyzer.card.aus, landmarkCount).join(',')];
  let faces = 0;
  let failed = 0;
  try {
    for (const job of jobs) {
      const [outcome] = await analyzer.analyzeBatch([job.file], [job.options]);
      if (outcome instanceof AnalyzerError && outcome.code === 'no-face') {
        ctx.reporter.info(`${job.name}: no face found`);
      } else if (outcome instanceof Error) {
        failed++;
        process.stderr.write(`g2rl-train predict: ${job.name}: ${outcome.message}\n`);
      } else {
        outcome!.faces.forEach((face, f) => rows.push(csvRow(job.name, f, face, landmarkCount).join(',')));
        faces += outcome!.faces.length;
      }
    }
  } finally {
    analyzer.dispose();
  }
  const out = resolve(flags.out ?? 'predictions.csv');
  writeFileAtomicSync(out, `${rows.join('\n')}\n`);
  ctx.print(`${faces} faces from ${jobs.length} images${failed ? `, ${failed} unreadable` : ''} → ${out}`);
  if (failed > 0) throw new UserError(`${failed} of ${jobs.length} images could not be analysed (listed above); the CSV holds the others`);
  return { faces, failed };
}
