/**
 * One training run, the G2RL schedule (docs/method.md §3–4): pretrain the geometry encoder on
 * landmarks → intensities, freeze it, then train the backbone (and W) on
 * λ·L_G + (1−λ)·L_S. λ = 0 skips the geometry branch: the plain heatmap baseline.
 *
 * This file wires the parts together; each lives in its own: the phases (`phases.ts`), the
 * schedule (`schedule.ts`, computed in @g2rl/models), the checkpoint format
 * (`run-checkpoint.ts`), geometry pretraining (`geometry-pretraining.ts`) and the backbone
 * loop (`train-loop.ts`).
 *
 * Nothing is lost: a checkpoint is written atomically at the end of every epoch and when
 * the process is asked to stop (SIGINT / SIGTERM); `resume` continues from it with weights,
 * Adam moments, loader position and history, and reaches the same result as a run that
 * was never stopped (the loader's batches depend only on seed, epoch and step).
 */
import * as tf from '@tensorflow/tfjs';
import { BatchLoader, type AlignedCropCache } from '@g2rl/datasets';
import { G2RLTrainer } from '@g2rl/models';
import type { TrainConfig } from './config.js';
import { configHash } from './config-hash.js';
import { alignedCrops, cropCacheDir, type LoadedData } from './data.js';
import { fitGeometryTarget, pretrainGeometry } from './geometry-pretraining.js';
import { writeHistory, type HistoryPoint } from './history.js';
import { ReplicaPool } from './parallel/replica-pool.js';
import { resolveWorkerCount } from './parallel/worker-count.js';
import { firstPhase, nextPhase, type RunPhase } from './phases.js';
import type { Reporter } from './progress.js';
import type { RunPaths } from './run-folder.js';
import { type RunCheckpoint, readRunCheckpoint, writeRunCheckpoint } from './run-checkpoint.js';
import { trainingSchedule } from './schedule.js';
import type { Split } from './split.js';
import { Interrupted, type StopFlag } from './stop.js';
import { presetSizes, trainingCodec } from './training-codec.js';
import { trainBackbone } from './train-loop.js';

export interface TrainedRun {
  trainer: G2RLTrainer;
  trainCache: AlignedCropCache;
  history: HistoryPoint[];
  /** Seconds spent in each phase (this process only). */
  seconds: { pretrain: number; train: number };
  /** The data-parallel replicas (in step with `trainer`), for evaluation; the caller closes it. Null: one process. */
  pool: ReplicaPool | null;
}

/** The G2RL trainer of a run, built from its config (the schedule included). */
export function createRunTrainer(config: TrainConfig, aus: number, landmarks: number): G2RLTrainer {
  const schedule = trainingSchedule(config);
  return new G2RLTrainer({
    backbone: config.model.preset,
    aus,
    landmarks,
    ...schedule,
    mode: config.train.geometryMode,
    geometryLearningRate: config.train.geometryLearningRate,
    geometry: { adjacency: config.model.adjacency, D: config.model.geometryDim },
    seed: config.seed,
  });
}

/** The seeded, augmented batch loader of the training list. */
function trainingLoader(config: TrainConfig, split: Split, data: LoadedData, cache: AlignedCropCache): BatchLoader {
  const a = config.train.augment;
  return new BatchLoader({
    samples: split.train,
    cache,
    aus: data.aus,
    batchSize: config.train.batchSize,
    size: presetSizes(config.model.preset).size,
    codec: trainingCodec(config, data.aus),
    seed: config.seed,
    augment: {
      flipProbability: a.flip ? 0.5 : 0,
      maxRotationDegrees: a.rotateDegrees,
      maxScale: a.scale,
      maxShift: a.shift,
      maxBrightness: a.brightness,
      maxContrast: a.contrast,
    },
    dropLast: split.train.length >= config.train.batchSize,
    workers: 1,
  });
}

export async function trainRun(options: {
  config: TrainConfig;
  data: LoadedData;
  split: Split;
  paths: RunPaths;
  resume: boolean;
  reporter: Reporter;
  stop: StopFlag;
  /** `initBackend`'s choice (replicas start the same one); default: the active tfjs backend's name */
  backend?: string;
}): Promise<TrainedRun> {
  const { config, data, split, paths, reporter, stop } = options;
  const { size } = presetSizes(config.model.preset);
  const hash = configHash(config);
  const landmarks = split.train[0].landmarks.length / 2;
  const trainer = createRunTrainer(config, data.aus.length, landmarks);
  const saved: RunCheckpoint | undefined = options.resume ? readRunCheckpoint(paths, hash) : undefined;

  // Data-parallel replicas (docs/method.md §4): a resumed run keeps the count it was made with.
  const backend = options.backend ?? tf.getBackend();
  const wanted = resolveWorkerCount(config.workers, backend, config.train.batchSize);
  const workers = saved ? (saved.workers ?? 1) : wanted;
  if (saved && workers !== wanted) reporter.info(`resuming with the checkpoint's ${workers} data-parallel replica${workers > 1 ? 's' : ''} (the workers setting gives ${wanted}; the count changes the results)`);
  // The replicas start (load tfjs and the backend) while the crops are cached.
  const starting = workers > 1 ? ReplicaPool.start({ ranks: workers, config, aus: data.aus.length, landmarks, backend, trainer }) : Promise.resolve(null);
  starting.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
  let pool: ReplicaPool | null = null;
  let loader: BatchLoader | undefined;
  try {
    reporter.info(`aligning ${split.train.length} training faces to ${size}×${size} (cached in ${cropCacheDir(config)})`);
    // The list may repeat frames (train.rareAuRepeat); each is aligned and cached once.
    const distinctTrain = [...new Set(split.train)];
    const trainCache = await alignedCrops(distinctTrain, { size, cacheDir: cropCacheDir(config) }, reporter);
    loader = trainingLoader(config, split, data, trainCache);
    pool = await starting;
    if (pool) {
      const shard = Math.ceil(config.train.batchSize / workers);
      reporter.info(`data-parallel: ${workers} replicas on ${backend}, one thread each; batch norm over each replica's ${shard} images`, { workers });
    }

    let phase: RunPhase = firstPhase(config);
    let pretrainEpoch = 0;
    let history: HistoryPoint[] = [];
    if (saved) {
      trainer.setState(saved.trainer);
      // Also when every epoch is done (a kill between the last epoch's checkpoint and the 'done'
      // one): the loop then has nothing left to run, instead of starting again from epoch 0.
      if (saved.phase === 'train') loader.setState(saved.loader);
      phase = saved.phase;
      pretrainEpoch = saved.pretrainEpoch;
      history = saved.history;
      reporter.info(`resumed from ${paths.checkpoint}: ${phase}, epoch ${phase === 'pretrain' ? pretrainEpoch + 1 : saved.loader.epoch + 1}, step ${saved.loader.step}`);
    }

    const trainLoader = loader;
    const checkpoint = () =>
      writeRunCheckpoint(paths, { configHash: hash, phase, pretrainEpoch, loader: trainLoader.getState(), trainer: trainer.getState(), history, workers });
    const seconds = { pretrain: 0, train: 0 };

    if (phase === 'pretrain') {
      const started = Date.now();
      await pool?.load(trainer);
      pretrainEpoch = await pretrainGeometry({
        trainer,
        cache: trainCache,
        samples: split.train,
        data,
        config,
        from: pretrainEpoch,
        history,
        reporter,
        pool,
        stopNow: () => {
          if (!stop.requested) return false;
          checkpoint();
          return true;
        },
      });
      seconds.pretrain = (Date.now() - started) / 1000;
      if (stop.requested) throw new Interrupted(paths.checkpoint);
      phase = nextPhase(phase);
      await fitGeometryTarget(trainer, trainCache, distinctTrain, data, config);
      checkpoint();
    } else if (!options.resume) {
      // No pretraining phase (λ = 0, joint mode, or geometryEpochs 0): the fit still fixes the scale of L_G.
      await fitGeometryTarget(trainer, trainCache, distinctTrain, data, config);
    }
    if (phase === 'train') {
      const started = Date.now();
      await pool?.load(trainer);
      await trainBackbone({ trainer, loader, epochs: config.train.epochs, history, reporter, stop, checkpoint, checkpointPath: paths.checkpoint, pool });
      seconds.train = (Date.now() - started) / 1000;
      phase = nextPhase(phase);
      checkpoint();
    }
    writeHistory(paths, history);
    return { trainer, trainCache, history, seconds, pool };
  } catch (error) {
    await (pool ?? (await starting.catch(() => null)))?.close();
    throw error;
  } finally {
    await loader?.close();
  }
}
