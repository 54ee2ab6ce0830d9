/**
 * One training run, the G2RL schedule (METHOD.md §3–4): pretrain the geometry encoder on
 * landmarks → intensities, freeze it, then train the backbone (and W) on
 * λ·L_G + (1−λ)·L_S. λ = 0 skips the geometry branch: the plain heatmap baseline.
 *
 * Nothing is lost: a checkpoint is written atomically at the end of every epoch and when
 * the process is asked to stop (SIGINT / SIGTERM); `resume` continues from it with weights,
 * Adam moments, loader position and history, and reaches the same result as a run that
 * was never stopped (the loader's batches depend only on seed, epoch and step).
 */
import { existsSync, readFileSync } from 'node:fs';
import { BatchLoader, cacheAlignedCrops, type AlignedCropCache, type LoaderState, type Sample } from '@g2rl/datasets';
import { createHeatmapCodec, geometryFeatures, type HeatmapCodec } from '@g2rl/heatmaps';
import { G2RLTrainer, mulberry32, type G2RLTrainerState } from '@g2rl/models';
import { loadCheckpoint, saveCheckpoint, writeFileAtomic } from './checkpoint.js';
import type { TrainConfig } from './config.js';
import { cropCacheDir, type LoadedData } from './data.js';
import { UserError } from './errors.js';
import type { Reporter } from './progress.js';
import type { RunPaths } from './run-folder.js';
import type { Split } from './split.js';

/** Asked to stop: the loop saves a checkpoint after the step in flight and throws this. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor(readonly checkpoint: string) {
    super(`stopped; checkpoint saved to ${checkpoint} (continue with --resume)`);
  }
}

/** A shared flag that signal handlers set and the training loop reads between steps. */
export interface StopFlag {
  requested: boolean;
}

export interface HistoryPoint {
  phase: 'pretrain' | 'train';
  epoch: number;
  step: number;
  loss: number;
  ls?: number;
  lg?: number;
}

interface RunCheckpoint {
  format: 'g2rl-run-checkpoint/1';
  configHash: string;
  phase: 'pretrain' | 'train' | 'done';
  /** Next geometry-pretraining epoch to run. */
  pretrainEpoch: number;
  loader: LoaderState;
  trainer: G2RLTrainerState;
  history: HistoryPoint[];
}

export interface TrainedRun {
  trainer: G2RLTrainer;
  trainCache: AlignedCropCache;
  history: HistoryPoint[];
  /** Seconds spent in each phase (this process only). */
  seconds: { pretrain: number; train: number };
}

/** The input size S and heatmap size H of a preset. */
export function presetSizes(preset: TrainConfig['model']['preset']): { size: number; heatmapSize: number } {
  return preset === 'paper' ? { size: 256, heatmapSize: 64 } : { size: 128, heatmapSize: 32 };
}

/**
 * The heatmap codec of a run: the preset's S and H, the config's σ (default: the codec's,
 * METHOD.md §2's 2 pixels at H = 64 scaled with H) and peak normalisation.
 */
export function trainingCodec(config: TrainConfig, aus: readonly number[]): HeatmapCodec {
  const { size, heatmapSize } = presetSizes(config.model.preset);
  return createHeatmapCodec({ inputSize: size, heatmapSize, aus, sigma: config.model.sigma ?? undefined, normalization: 'peak' });
}

/** Learning rate of (0-based) epoch e: the base rate × factor for every decay epoch ≤ e + 1. */
export function learningRateAt(config: TrainConfig, epoch: number): number {
  const decays = config.train.lrDecayEpochs.filter((e) => e <= epoch + 1).length;
  return config.train.learningRate * config.train.lrDecayFactor ** decays;
}

/**
 * λ of (0-based) epoch e and whether L_G reaches the backbone. During the warm-up epochs L_G
 * only fits the projection W to the backbone's current features (the backbone learns from
 * L_S alone: Adam's step does not depend on the (1 − λ) scale), so that when L_G switches on
 * it shapes M through a W that already reads M rather than through a random one.
 */
export function geometryScheduleAt(config: TrainConfig, epoch: number): { lambda: number; reachesBackbone: boolean } {
  return { lambda: config.train.lambda, reachesBackbone: epoch >= config.train.lambdaWarmupEpochs };
}

/** A stable hash of the fields that must not change between a run and its resumption. */
export function configHash(config: TrainConfig): string {
  const { name: _name, runsDir: _runsDir, backend: _backend, ...rest } = config;
  const text = JSON.stringify(rest);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** Seeded Fisher–Yates permutation of 0…n−1 (mulberry32). */
export function seededPermutation(n: number, seed: number): Uint32Array {
  const next = mulberry32(seed);
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

export async function trainRun(options: {
  config: TrainConfig;
  data: LoadedData;
  split: Split;
  paths: RunPaths;
  resume: boolean;
  reporter: Reporter;
  stop: StopFlag;
}): Promise<TrainedRun> {
  const { config, data, split, paths, reporter, stop } = options;
  const { size } = presetSizes(config.model.preset);
  const hash = configHash(config);
  const landmarkCount = split.train[0].landmarks.length / 2;

  reporter.info(`aligning ${split.train.length} training faces to ${size}×${size} (cached in ${cropCacheDir(config)})`);
  // The list may repeat frames (train.rareAuRepeat); each is aligned and cached once.
  const distinctTrain = [...new Set(split.train)];
  const trainCache = await cacheAlignedCrops(distinctTrain, { size, cacheDir: cropCacheDir(config) });

  const trainer = new G2RLTrainer({
    backbone: config.model.preset,
    aus: data.aus.length,
    landmarks: landmarkCount,
    lambda: config.train.lambda,
    mode: config.train.geometryMode === 'joint' ? 'joint' : 'pretrained-frozen',
    learningRate: config.train.learningRate,
    geometryLearningRate: config.train.geometryLearningRate,
    geometry: { adjacency: config.model.adjacency, D: config.model.geometryDim },
    seed: config.seed,
  });
  const augment = {
    flipProbability: config.train.augment.flip ? 0.5 : 0,
    maxRotationDegrees: config.train.augment.rotateDegrees,
    maxScale: config.train.augment.scale,
    maxShift: config.train.augment.shift,
    maxBrightness: config.train.augment.brightness,
    maxContrast: config.train.augment.contrast,
  };
  const loader = new BatchLoader({
    samples: split.train,
    cache: trainCache,
    aus: data.aus,
    batchSize: config.train.batchSize,
    size,
    codec: trainingCodec(config, data.aus),
    seed: config.seed,
    augment,
    dropLast: split.train.length >= config.train.batchSize,
    workers: 1,
  });

  let phase: RunCheckpoint['phase'] = config.train.lambda > 0 && config.train.geometryMode === 'frozen' && config.train.geometryEpochs > 0 ? 'pretrain' : 'train';
  let pretrainEpoch = 0;
  let history: HistoryPoint[] = [];
  if (options.resume) {
    if (!existsSync(paths.checkpoint)) throw new UserError(`--resume: no checkpoint at ${paths.checkpoint}; start the run without --resume`);
    const saved = loadCheckpoint<RunCheckpoint>(paths.checkpoint);
    if (saved.format !== 'g2rl-run-checkpoint/1') throw new UserError(`${paths.checkpoint}: not a run checkpoint (format ${JSON.stringify(saved.format)})`);
    if (saved.configHash !== hash) {
      throw new UserError(`--resume: the config differs from the one ${paths.checkpoint} was made with; resume with the run's own config (${paths.config})`);
    }
    trainer.setState(saved.trainer);
    if (saved.phase === 'train' && saved.loader.epoch < config.train.epochs) loader.setState(saved.loader);
    phase = saved.phase;
    pretrainEpoch = saved.pretrainEpoch;
    history = saved.history;
    reporter.info(`resumed from ${paths.checkpoint}: ${phase}, epoch ${phase === 'pretrain' ? pretrainEpoch + 1 : saved.loader.epoch + 1}, step ${saved.loader.step}`);
  }

  const checkpoint = () =>
    saveCheckpoint(paths.checkpoint, {
      format: 'g2rl-run-checkpoint/1',
      configHash: hash,
      phase,
      pretrainEpoch,
      loader: loader.getState(),
      trainer: trainer.getState(),
      history,
    } satisfies RunCheckpoint);
  const seconds = { pretrain: 0, train: 0 };

  try {
    if (phase === 'pretrain') {
      const started = Date.now();
      pretrainEpoch = await pretrainGeometry(trainer, trainCache, split, data, config, pretrainEpoch, history, reporter, () => {
        if (!stop.requested) return false;
        checkpoint();
        return true;
      });
      seconds.pretrain = (Date.now() - started) / 1000;
      if (stop.requested) throw new Interrupted(paths.checkpoint);
      phase = 'train';
      await fitGeometryTarget(trainer, trainCache, distinctTrain, data, config);
      checkpoint();
    } else if (!options.resume) {
      // No pretraining phase (λ = 0, joint mode, or geometryEpochs 0): the fit still fixes the scale of L_G.
      await fitGeometryTarget(trainer, trainCache, distinctTrain, data, config);
    }
    if (phase === 'train') {
      const started = Date.now();
      await trainBackbone(trainer, loader, config, history, reporter, stop, checkpoint, paths);
      seconds.train = (Date.now() - started) / 1000;
      phase = 'done';
      checkpoint();
    }
  } finally {
    await loader.close();
  }
  writeFileAtomic(paths.history, JSON.stringify(history));
  return { trainer, trainCache, history, seconds };
}

/** The geometry encoder's input for each sample, from its cached aligned landmarks: `count×N×2`. */
function trainingGeometry(cache: AlignedCropCache, samples: Sample[], data: LoadedData): Float32Array {
  const N = cache.landmarkCount;
  const row = new Map(cache.ids.map((id, i) => [id, i]));
  const geometry = new Float32Array(samples.length * N * 2);
  samples.forEach((sample, i) => {
    const r = row.get(sample.id)!;
    geometry.set(geometryFeatures(cache.landmarks.subarray(r * N * 2, (r + 1) * N * 2), data.scheme), i * N * 2);
  });
  return geometry;
}

/** With `train.geometryTarget` 'standardized' and λ > 0, fits the L_G target's per-dimension scale on the training frames. */
async function fitGeometryTarget(trainer: G2RLTrainer, cache: AlignedCropCache, samples: Sample[], data: LoadedData, config: TrainConfig): Promise<void> {
  if (config.train.lambda <= 0 || config.train.geometryTarget !== 'standardized') return;
  await trainer.fitGeometryScale(trainingGeometry(cache, samples, data), samples.length);
}

/**
 * Geometry pretraining epochs [from, geometryEpochs): minibatches of up to 256 aligned
 * landmark sets (the GCN is small: per-op overhead, not arithmetic, sets the pace, so large
 * batches are much faster per epoch).
 */
async function pretrainGeometry(
  trainer: G2RLTrainer,
  cache: AlignedCropCache,
  split: Split,
  data: LoadedData,
  config: TrainConfig,
  from: number,
  history: HistoryPoint[],
  reporter: Reporter,
  stopNow: () => boolean,
): Promise<number> {
  const count = split.train.length;
  const N = cache.landmarkCount;
  const A = data.aus.length;
  const geometry = trainingGeometry(cache, split.train, data);
  const intensities = new Float32Array(count * A);
  split.train.forEach((sample, i) => {
    data.aus.forEach((au, a) => (intensities[i * A + a] = sample.intensities[sample.aus.indexOf(au)]));
  });
  const batch = Math.min(256, count);
  const steps = Math.ceil(count / batch);
  const epochs = config.train.geometryEpochs;
  for (let epoch = from; epoch < epochs; epoch++) {
    const order = seededPermutation(count, (config.seed * 7919 + epoch) >>> 0);
    const started = Date.now();
    let sum = 0;
    for (let step = 0; step < steps; step++) {
      const idx = order.subarray(step * batch, Math.min(count, (step + 1) * batch));
      const g = new Float32Array(idx.length * N * 2);
      const y = new Float32Array(idx.length * A);
      idx.forEach((s, j) => {
        g.set(geometry.subarray(s * N * 2, (s + 1) * N * 2), j * N * 2);
        y.set(intensities.subarray(s * A, (s + 1) * A), j * A);
      });
      const { loss } = await trainer.pretrainGeometryStep({ geometry: g, intensities: y, batchSize: idx.length });
      sum += loss;
    }
    await yieldToEventLoop();
    const loss = sum / steps;
    history.push({ phase: 'pretrain', epoch: epoch + 1, step: trainer.steps.pretrain, loss });
    const event = { phase: 'geometry', epoch: epoch + 1, epochs, step: steps, steps, values: { loss }, imagesPerSecond: count / Math.max(1e-3, (Date.now() - started) / 1000) };
    reporter.endEpoch(event);
    if (stopNow()) return epoch + 1;
  }
  return epochs;
}

async function trainBackbone(
  trainer: G2RLTrainer,
  loader: BatchLoader,
  config: TrainConfig,
  history: HistoryPoint[],
  reporter: Reporter,
  stop: StopFlag,
  checkpoint: () => void,
  paths: RunPaths,
): Promise<void> {
  const epochs = config.train.epochs;
  const steps = loader.stepsPerEpoch;
  let epochStart = Date.now();
  let images = 0;
  let sums = { loss: 0, ls: 0, lg: 0, n: 0 };
  while (loader.getState().epoch < epochs) {
    const { epoch, step } = loader.getState();
    if (step === 0 || sums.n === 0) {
      epochStart = Date.now();
      images = 0;
      sums = { loss: 0, ls: 0, lg: 0, n: 0 };
    }
    trainer.setLearningRate(learningRateAt(config, epoch));
    const schedule = geometryScheduleAt(config, epoch);
    trainer.lambda = schedule.lambda;
    trainer.geometryReachesBackbone = schedule.reachesBackbone;
    await yieldToEventLoop();
    const batch = await loader.nextBatch();
    const result = await trainer.trainStep(batch);
    if (!Number.isFinite(result.loss)) throw new Error(`training diverged at epoch ${epoch + 1}, step ${step + 1}: loss ${result.loss}; lower train.learningRate`);
    images += batch.batchSize;
    sums = { loss: sums.loss + result.loss, ls: sums.ls + result.ls, lg: sums.lg + result.lg, n: sums.n + 1 };
    history.push({ phase: 'train', epoch: epoch + 1, step: trainer.steps.train, loss: result.loss, ls: result.ls, lg: result.lg });
    const event = {
      phase: 'train',
      epoch: epoch + 1,
      epochs,
      step: step + 1,
      steps,
      values: { loss: sums.loss / sums.n, ls: sums.ls / sums.n, lg: sums.lg / sums.n, batch: batch.batchSize },
      imagesPerSecond: images / Math.max(1e-3, (Date.now() - epochStart) / 1000),
    };
    const endOfEpoch = loader.getState().epoch !== epoch;
    if (endOfEpoch) reporter.endEpoch(event);
    else reporter.step(event);
    // One checkpoint per epoch, and one when asked to stop (never two for the same step).
    if (endOfEpoch || stop.requested) checkpoint();
    if (stop.requested) throw new Interrupted(paths.checkpoint);
  }
}

/**
 * A training step on wasm resolves its promises as microtasks, so a loop of steps never lets
 * the event loop run signal handlers or worker messages: give it a turn between steps.
 */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Reads a run's saved history (for plots after a resumed run, or the `eval` command). */
export function readHistory(paths: RunPaths): HistoryPoint[] {
  return existsSync(paths.history) ? (JSON.parse(readFileSync(paths.history, 'utf8')) as HistoryPoint[]) : [];
}
