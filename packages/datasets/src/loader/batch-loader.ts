import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AlignmentPoints } from '@g2rl/face';
import type { HeatmapCodec, HeatmapCodecSettings } from '@g2rl/heatmaps';
import { mixSeed, mulberry32, permutation } from '@g2rl/common';
import type { Sample } from '../sample.js';
import { drawAugmentation, NO_AUGMENTATION, type AugmentOptions } from './augment.js';
import { makeBatchShape, type BatchShape, type TrainingBatch } from './batch.js';
import { buildBatch, type BatchTask, type BuilderInit } from './build.js';
import type { AlignedCropCache } from './cache.js';

export interface BatchLoaderOptions {
  samples: readonly Sample[];
  /** B */
  batchSize: number;
  /** AU order of the batches (default the first sample's `aus`); AUs a sample lacks are NaN. */
  aus?: readonly number[];
  /** S, crop side (default 128, or the cache's). */
  size?: number;
  /**
   * The heatmap codec (H, σ, normalisation; its S and AUs must match `size` and `aus`),
   * e.g. `codecFromCard(card)` or the trainer's; default `@g2rl/heatmaps`' for S (H = S/4).
   */
  codec?: HeatmapCodec | HeatmapCodecSettings;
  /** default 0 */
  seed?: number;
  /** Reshuffle every epoch (default true). */
  shuffle?: boolean;
  /** false (default), true for DEFAULT_AUGMENT, or ranges. */
  augment?: boolean | AugmentOptions;
  /** Leave out the last, smaller batch of an epoch (default false). */
  dropLast?: boolean;
  /** Aligned crops from cacheAlignedCrops (same samples, same S); else images are decoded and aligned per batch. */
  cache?: AlignedCropCache;
  /** Alignment points when decoding from files (default 'rigid', as alignFace). */
  points?: AlignmentPoints;
  /** Worker threads that build batches (default 1; 0 builds them on the main thread, still ahead of use). */
  workers?: number;
  /** Batches built ahead of the one being consumed (default 3): bounds memory to (prefetch + 1) batches. */
  prefetch?: number;
  /** Path of the built worker script (default: loader-worker.js beside this module in dist/). */
  workerScript?: string | URL;
}

/** Where a loader stands: the next batch it hands out is batch `step` of epoch `epoch`. */
export interface LoaderState {
  epoch: number;
  step: number;
}

interface Pending {
  epoch: number;
  step: number;
  promise: Promise<TrainingBatch>;
}

/**
 * Seeded, resumable batches of aligned, augmented, encoded samples (see TrainingBatch),
 * built ahead of use in worker threads with a bounded queue.
 *
 * Determinism: epoch e's order is a permutation drawn from (seed, e); sample i's
 * augmentation in epoch e is drawn from (seed, e, i). Batches therefore depend only on
 * (seed, epoch, step), not on timing or worker count, and `setState` resumes mid-epoch.
 *
 * ```ts
 * const loader = new BatchLoader({ samples, batchSize: 16, augment: true, seed: 1, cache });
 * for (let epoch = 0; epoch < 10; epoch++) for await (const batch of loader) trainStep(batch);
 * await loader.close();
 * ```
 */
export class BatchLoader implements AsyncIterable<TrainingBatch> {
  readonly shape: BatchShape;
  readonly batchSize: number;
  readonly stepsPerEpoch: number;
  private readonly count: number;
  private readonly seed: number;
  private readonly shuffle: boolean;
  private readonly augment: AugmentOptions | false;
  private readonly prefetch: number;
  private readonly init: BuilderInit;
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve: (b: TrainingBatch) => void; reject: (e: Error) => void }>();
  private readonly busy = new Map<Worker, number>();
  private nextTaskId = 0;
  private nextWorker = 0;
  private state: LoaderState = { epoch: 0, step: 0 };
  private queue: Pending[] = [];
  private orderCache: { epoch: number; order: Uint32Array } | undefined;
  private closed = false;
  /** Set when a worker dies: every later batch fails with it instead of waiting forever. */
  private failure: Error | undefined;

  constructor(options: BatchLoaderOptions) {
    const { samples, batchSize, cache } = options;
    if (!Array.isArray(samples) || samples.length === 0) throw new Error('BatchLoader: options.samples must be a non-empty array of Sample');
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`BatchLoader: batchSize must be a positive integer, got ${batchSize}`);
    const scheme = samples[0].scheme;
    const odd = samples.find((s) => s.scheme !== scheme);
    if (odd) throw new Error(`BatchLoader: sample ${odd.id} has scheme ${odd.scheme} but ${samples[0].id} has ${scheme}; one loader serves one landmark scheme`);
    const size = options.size ?? cache?.size ?? 128;
    if (cache && cache.size !== size) throw new Error(`BatchLoader: the cache holds ${cache.size}×${cache.size} crops but size is ${size}`);
    if (cache && cache.scheme !== scheme) throw new Error(`BatchLoader: the cache is for scheme ${cache.scheme}, the samples are ${scheme}`);
    const aus = [...(options.aus ?? samples[0].aus)];
    this.shape = makeBatchShape({ size, codec: options.codec, aus, scheme, landmarkCount: samples[0].landmarks.length / 2 });
    this.batchSize = batchSize;
    this.count = samples.length;
    this.stepsPerEpoch = options.dropLast ? Math.floor(samples.length / batchSize) : Math.ceil(samples.length / batchSize);
    if (this.stepsPerEpoch === 0) throw new RangeError(`BatchLoader: ${samples.length} samples make no full batch of ${batchSize} with dropLast`);
    this.seed = options.seed ?? 0;
    this.shuffle = options.shuffle ?? true;
    this.augment = options.augment === true ? {} : options.augment || false;
    this.prefetch = Math.max(1, options.prefetch ?? 3);
    this.init = { shape: this.shape, source: cropSource(samples, options, cache), ids: samples.map((s) => s.id), intensities: reorderIntensities(samples, aus) };
    const workerCount = options.workers ?? 1;
    if (workerCount > 0) {
      const script = options.workerScript ?? defaultWorkerScript();
      const path = script instanceof URL ? fileURLToPath(script) : script;
      if (!existsSync(path)) throw new Error(`BatchLoader: worker script ${path} not found; build @g2rl/datasets (pnpm build) or pass workers: 0`);
      for (let w = 0; w < workerCount; w++) this.startWorker(path);
    }
  }

  /** Where the loader stands (save it with a checkpoint). */
  getState(): LoaderState {
    return { ...this.state };
  }

  /** Continue from `state` (e.g. a checkpoint's): drops batches built ahead for the old position. */
  setState(state: LoaderState): void {
    if (!Number.isInteger(state?.epoch) || state.epoch < 0 || !Number.isInteger(state.step) || state.step < 0 || state.step >= this.stepsPerEpoch) {
      throw new RangeError(`BatchLoader.setState: expected {epoch ≥ 0, step in 0…${this.stepsPerEpoch - 1}}, got ${JSON.stringify(state)}`);
    }
    for (const pending of this.queue) pending.promise.catch(() => undefined);
    this.queue = [];
    this.state = { epoch: state.epoch, step: state.step };
  }

  /** The next batch, crossing epoch boundaries (an endless stream); see getState(). */
  async nextBatch(): Promise<TrainingBatch> {
    if (this.closed) throw new Error('BatchLoader: closed');
    this.fill();
    const pending = this.queue.shift()!;
    this.state = this.advance(pending);
    this.fill();
    return pending.promise;
  }

  /** The rest of the current epoch's batches; afterwards the state is (epoch + 1, 0). */
  async *[Symbol.asyncIterator](): AsyncIterator<TrainingBatch> {
    const epoch = this.state.epoch;
    while (this.state.epoch === epoch) yield await this.nextBatch();
  }

  /** Sample indices of batch `step` of `epoch` (the order is a pure function of seed and epoch). */
  batchIndices(epoch: number, step: number): number[] {
    if (this.orderCache?.epoch !== epoch) {
      const order = this.shuffle ? permutation(this.count, mulberry32(mixSeed(this.seed, epoch))) : Uint32Array.from({ length: this.count }, (_, i) => i);
      this.orderCache = { epoch, order };
    }
    const start = step * this.batchSize;
    return Array.from(this.orderCache.order.subarray(start, Math.min(start + this.batchSize, this.count)));
  }

  /** Stops the workers; pending batches are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue) pending.promise.catch(() => undefined);
    this.queue = [];
    for (const waiter of this.waiting.values()) waiter.reject(new Error('BatchLoader: closed'));
    this.waiting.clear();
    // Idle workers are unref'd, and a pending terminate() alone does not keep the event loop
    // alive: without this timer Node could exit in the middle of `await loader.close()`.
    const keepAlive = setInterval(() => undefined, 1000);
    try {
      await Promise.all(this.workers.map((w) => w.terminate()));
    } finally {
      clearInterval(keepAlive);
    }
  }

  private advance({ epoch, step }: LoaderState): LoaderState {
    return step + 1 >= this.stepsPerEpoch ? { epoch: epoch + 1, step: 0 } : { epoch, step: step + 1 };
  }

  private fill(): void {
    let position = this.queue.length ? this.advance(this.queue[this.queue.length - 1]) : this.state;
    while (this.queue.length < this.prefetch + 1) {
      const promise = this.build(position.epoch, position.step);
      promise.catch(() => undefined); // surfaced when the batch is taken
      this.queue.push({ ...position, promise });
      position = this.advance(position);
    }
  }

  private build(epoch: number, step: number): Promise<TrainingBatch> {
    const samples = this.batchIndices(epoch, step);
    const augmentations = samples.map((index) =>
      this.augment ? drawAugmentation(mulberry32(mixSeed(this.seed, epoch, index, 0x61756720)), this.shape.size, this.augment) : NO_AUGMENTATION);
    const task: BatchTask = { samples, augmentations };
    if (this.workers.length === 0) return buildBatch(this.init, task);
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextTaskId++;
    const worker = this.workers[this.nextWorker++ % this.workers.length];
    return new Promise<TrainingBatch>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.busy.set(worker, (this.busy.get(worker) ?? 0) + 1);
      worker.ref(); // keep the process alive while a batch is on its way
      worker.postMessage({ type: 'task', id, task });
    });
  }

  private startWorker(path: string): void {
    const worker = new Worker(path);
    worker.on('message', (message: { id: number; batch?: TrainingBatch; error?: string }) => {
      const left = (this.busy.get(worker) ?? 1) - 1;
      this.busy.set(worker, left);
      if (left === 0) worker.unref();
      const waiter = this.waiting.get(message.id);
      if (!waiter) return;
      this.waiting.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(message.error));
      else waiter.resolve(message.batch!);
    });
    const fail = (reason: string) => {
      if (this.closed) return;
      this.failure ??= new Error(`BatchLoader: a worker thread failed (${reason}); create a new loader`);
      for (const waiter of this.waiting.values()) waiter.reject(this.failure);
      this.waiting.clear();
    };
    worker.on('error', (error) => fail(error.message));
    worker.on('exit', (code) => fail(`exit code ${code}`));
    worker.unref(); // an idle loader never keeps the process alive
    worker.postMessage({ type: 'init', init: this.init });
    this.workers.push(worker);
  }
}

function cropSource(samples: readonly Sample[], options: BatchLoaderOptions, cache: AlignedCropCache | undefined): BuilderInit['source'] {
  if (!cache) {
    return { kind: 'files', images: samples.map((s) => s.image), landmarks: samples.map((s) => s.landmarks), points: options.points ?? 'rigid' };
  }
  const rowOf = new Map(cache.ids.map((id, row) => [id, row]));
  const rowOfSample = new Int32Array(samples.length);
  samples.forEach((s, i) => {
    const row = rowOf.get(s.id);
    if (row === undefined) throw new Error(`BatchLoader: sample ${s.id} is not in the cache (${cache.path}); build the cache from these samples`);
    rowOfSample[i] = row;
  });
  return { kind: 'cache', crops: cache.crops, landmarks: cache.landmarks, rowOfSample };
}

/** Intensities n×A in the loader's AU order; an AU a sample does not have is NaN (missing). */
function reorderIntensities(samples: readonly Sample[], aus: number[]): Float32Array {
  const out = new Float32Array(samples.length * aus.length).fill(Number.NaN);
  samples.forEach((s, i) => {
    aus.forEach((au, a) => {
      const j = s.aus.indexOf(au);
      if (j >= 0) out[i * aus.length + a] = s.intensities[j];
    });
  });
  return out;
}

function defaultWorkerScript(): URL {
  return new URL('./loader-worker.js', import.meta.url);
}
