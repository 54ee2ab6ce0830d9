/**
 * A whole run, as `train`, `demo`, `cv` and `ablation` use it: resolved config written to
 * the run folder, backend chosen, data loaded and split by subject, G2RL trained (with
 * checkpoints), evaluated on the held-out subjects, reported (text, Markdown, JSON, CSV,
 * plots) and exported as a plain tfjs model with its model card.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { initBackend, type BackendPreference } from '@g2rl/backend';
import { ALIGNMENT_TEMPLATE } from '@g2rl/face';
import { formatReport, type AuReport } from '@g2rl/metrics';
import { exportInferenceModel, type ModelCard } from '@g2rl/models';
import { writeFileAtomicSync } from '@g2rl/common/fs';
import type { TrainConfig } from './config.js';
import { alignedCrops, cropCacheDir, loadData, type LoadedData } from './data.js';
import { UserError } from './errors.js';
import { evaluate, predictionsCsv, type Evaluation } from './evaluate.js';
import { heatmapOverlayPng, lineChartSvg, scatterGridSvg, svgToPng, tilePngs } from './plots.js';
import type { Reporter } from './progress.js';
import { packageVersions } from './provenance.js';
import { makeRunFolders, runPaths, type RunPaths } from './run-folder.js';
import { splitOf, type Split } from './split.js';
import type { HistoryPoint } from './history.js';
import type { StopFlag } from './stop.js';
import { trainRun } from './train.js';
import { trainingCodec } from './training-codec.js';

export interface RunOutcome {
  paths: RunPaths;
  evaluation: Evaluation;
  report: AuReport;
  card: ModelCard;
  split: Split;
  seconds: { data: number; pretrain: number; train: number; evaluate: number; total: number };
}

let backendReady: Promise<string> | undefined;

/** Chooses the tfjs backend once per process and says which (and why the faster ones were skipped). */
export async function setupBackend(preference: BackendPreference | TrainConfig['backend'], reporter: Reporter): Promise<string> {
  backendReady ??= (async () => {
    try {
      // @g2rl/backend cannot see this app's dependencies under pnpm: hand it the native loader.
      const choice = await initBackend({ prefer: preference as BackendPreference, quiet: true, loaders: { native: () => import('@g2rl/backend-native') } });
      const skipped = choice.skipped.map((s) => `${s.backend}: ${s.reason}`);
      reporter.info(`backend: ${choice.name}${skipped.length ? ` (skipped ${skipped.join('; ')})` : ''}`, { backend: choice.name, skipped: choice.skipped });
      return choice.name;
    } catch (error) {
      throw new UserError(`backend: ${(error as Error).message}`);
    }
  })();
  return backendReady;
}

export async function runPipeline(options: {
  config: TrainConfig;
  resume?: boolean;
  /** Start over even if the run folder has a checkpoint. */
  overwrite?: boolean;
  reporter: Reporter;
  stop: StopFlag;
  /** Already loaded data (cv and ablation share it across runs). */
  data?: LoadedData;
  /** Seconds the caller spent loading `data`, counted in the run's data time (`demo`). */
  dataSeconds?: number;
  fold?: number;
}): Promise<RunOutcome> {
  const { config, reporter, stop } = options;
  const started = Date.now();
  const paths = runPaths(config.runsDir, config.name);
  if (!options.resume && existsSync(paths.checkpoint)) {
    if (!options.overwrite) {
      throw new UserError(`run folder ${paths.dir} already has a checkpoint: pass --resume to continue it, --overwrite to start over, or choose another --name`);
    }
    rmSync(paths.dir, { recursive: true, force: true });
  }
  makeRunFolders(paths);
  writeFileAtomicSync(paths.config, `${JSON.stringify(config, null, 2)}\n`);
  reporter.info(`run folder: ${paths.dir}`);
  const backend = await setupBackend(config.backend, reporter);

  const data = options.data ?? (await loadData(config, reporter));
  const split = splitOf(data.samples, config, options.fold ?? config.data.fold);
  const distinct = new Set(split.train).size;
  const repeated = distinct < split.train.length ? ` (${distinct} distinct; frames with rare AUs repeated)` : '';
  reporter.info(`split: ${split.description}: ${split.train.length} training images${repeated} (${split.trainSubjects.length} subjects), ${split.test.length} test images (${split.testSubjects.length} subjects)`);
  const dataSeconds = (options.dataSeconds ?? 0) + (Date.now() - started) / 1000;

  const run = await trainRun({ config, data, split, paths, resume: options.resume ?? false, reporter, stop, backend });

  const evalStarted = Date.now();
  const codec = trainingCodec(config, data.aus);
  const size = codec.inputSize;
  reporter.info(`evaluating on ${split.test.length} held-out images`);
  let evaluation: Evaluation;
  try {
    const testCache = await alignedCrops(split.test, { size, cacheDir: cropCacheDir(config) }, reporter);
    // The replicas hold the trained weights too: each batch is split over them (a resumed
    // run that had finished training gets the weights first).
    await run.pool?.load(run.trainer);
    evaluation = await evaluate({
      samples: split.test,
      cache: testCache,
      predict: run.pool ? run.pool.predictor(run.trainer) : (images, batchSize) => run.trainer.predict(images, batchSize),
      codec,
    });
  } finally {
    await run.pool?.close();
  }
  const evaluateSeconds = (Date.now() - evalStarted) / 1000;
  await writeReports(paths, evaluation, data.aus, run.history, `${config.name}: ${split.description}, λ = ${config.train.lambda}`);

  const card = await exportInferenceModel(run.trainer.backbone, paths.model, {
    preset: config.model.preset,
    aus: data.aus,
    scheme: data.scheme,
    input: { size, range: [0, 1] },
    heatmap: { size: codec.heatmapSize, sigma: codec.sigma, normalization: codec.normalization },
    alignment: { template: ALIGNMENT_TEMPLATE, size },
    training: {
      data: data.description,
      split: split.description,
      trainSubjects: split.trainSubjects.length,
      trainImages: split.train.length,
      epochs: config.train.epochs,
      batchSize: config.train.batchSize,
      learningRate: config.train.learningRate,
      lambda: config.train.lambda,
      geometryMode: config.train.geometryMode,
      adjacency: config.model.adjacency,
      seed: config.seed,
    },
    metrics: { heldOutImages: split.test.length, meanIcc31: evaluation.report.mean.icc, meanMae: evaluation.report.mean.mae, meanPcc: evaluation.report.mean.pcc, perAu: evaluation.report.aus },
    versions: packageVersions(),
  });
  run.trainer.dispose();
  const total = (Date.now() - started) / 1000;
  return {
    paths,
    evaluation,
    report: evaluation.report,
    card,
    split,
    seconds: { data: dataSeconds, pretrain: run.seconds.pretrain, train: run.seconds.train, evaluate: evaluateSeconds, total },
  };
}

/** report.txt / .md / .json, predictions.csv and the three plots. */
export async function writeReports(paths: RunPaths, evaluation: Evaluation, aus: number[], history: HistoryPoint[], title: string): Promise<void> {
  const { report } = evaluation;
  writeFileAtomicSync(paths.report.text, `${title}\n\n${formatReport(report, 'text')}\n`);
  writeFileAtomicSync(paths.report.markdown, `# ${title}\n\n${formatReport(report, 'markdown')}\n`);
  writeFileAtomicSync(paths.report.json, `${JSON.stringify({ title, ...report }, null, 2)}\n`);
  writeFileAtomicSync(paths.predictions, predictionsCsv(evaluation, aus));
  mkdirSync(dirname(paths.plots.loss), { recursive: true });
  const train = history.filter((h) => h.phase === 'train');
  const series = [
    { name: 'total loss', points: train.map((h) => [h.step, h.loss] as [number, number]) },
    { name: 'L_S (heatmaps)', points: train.map((h) => [h.step, h.ls ?? Number.NaN] as [number, number]) },
    { name: 'L_G (geometry)', points: train.map((h) => [h.step, h.lg ?? Number.NaN] as [number, number]) },
  ].filter((s) => s.points.some(([, y]) => y > 0));
  const pretrain = history.filter((h) => h.phase === 'pretrain');
  if (series.length) writeFileAtomicSync(paths.plots.loss, await svgToPng(lineChartSvg(smooth(series), { title: 'Training loss (moving average of 10 steps)', xLabel: 'step', yLabel: 'loss', logY: true })));
  if (pretrain.length) {
    writeFileAtomicSync(
      paths.plots.loss.replace('loss.png', 'geometry-pretraining.png'),
      await svgToPng(lineChartSvg([{ name: 'intensity MSE from landmarks', points: pretrain.map((h) => [h.epoch, h.loss]) }], { title: 'Geometry encoder pretraining', xLabel: 'epoch', yLabel: 'loss', logY: true })),
    );
  }
  writeFileAtomicSync(paths.plots.scatter, await svgToPng(scatterGridSvg(evaluation.predictions, evaluation.truth, aus)));
  if (evaluation.examples.length) {
    const first = evaluation.examples[0];
    const size = Math.round(Math.sqrt(first.crop.length / 3));
    const channels = 2 * aus.length;
    const heatmapSize = Math.round(Math.sqrt(first.heatmaps.length / channels));
    const tiles = await Promise.all(evaluation.examples.map((e) => heatmapOverlayPng(e.crop, size, e.heatmaps, heatmapSize, channels, e.points)));
    writeFileAtomicSync(paths.plots.overlays, await tilePngs(tiles, size, 4));
  }
}

function smooth(series: { name: string; points: [number, number][] }[], window = 10) {
  return series.map((s) => ({
    name: s.name,
    points: s.points.map(([x], i) => {
      const part = s.points.slice(Math.max(0, i - window + 1), i + 1).map(([, y]) => y).filter(Number.isFinite);
      return [x, part.reduce((a, b) => a + b, 0) / Math.max(1, part.length)] as [number, number];
    }),
  }));
}
