/**
 * Data-parallel training on one machine (docs/method.md §4, "Data-parallel training"): the main
 * thread's trainer is rank 0 and `ranks − 1` worker threads hold replicas of it, each with its
 * own backend instance (wasm runs one thread per instance, so this is how a run uses every core).
 *
 * A step: the batch is cut into `ranks` contiguous shards; every rank computes its shard's
 * gradients (its part of the batch's loss) into its region of a SharedArrayBuffer; then every
 * rank sums all regions in rank order, applies Adam and takes the samples-weighted mean of the
 * batch-norm statistics — the same bits everywhere, so the replicas stay identical and the main
 * thread's trainer (what checkpoints and exports read) is the run's state. Results depend on
 * the rank count, never on timing: a run is reproducible bit for bit and resumes bit-exactly.
 */
import { Worker } from 'node:worker_threads';
import { type G2RLTrainer, type G2RLTrainerState, type TrainingBatchArrays, type TrainingPhase, type TrainStepResult, splitTrainingBatch } from '@g2rl/models';
import type { TrainConfig } from '../config.js';
import type { HeatmapPredictor } from '../evaluate.js';
import type { CombinePlan, FromReplica, PartResult, ReplicaInit, StepSettings, ToReplica } from './messages.js';
import { applyCombined, computePart } from './replica-step.js';
import { SharedRegions } from './shared-regions.js';
import { shardedPredictor } from './sharded-predictor.js';
import { workerScript } from './worker-script.js';

const BATCH_FIELDS = ['images', 'heatmaps', 'weights', 'geometry', 'intensities'] as const;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

export class ReplicaPool {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private steps = 0;
  private failure: Error | null = null;
  private closing = false;
  private readonly scratch: Float32Array;

  private constructor(
    /** every replica, the main thread's trainer included */
    readonly ranks: number,
    private readonly workers: Worker[],
    private readonly regions: SharedRegions,
  ) {
    this.scratch = new Float32Array(regions.sizes.gradients);
  }

  /**
   * Starts `ranks − 1` replica threads, each building the run's trainer from `config` on
   * `backend`; {@link load} then gives them the main thread's state.
   * @param trainer the main thread's trainer (rank 0): its buffer sizes size the shared regions
   */
  static async start(options: { ranks: number; config: TrainConfig; aus: number; landmarks: number; backend: string; trainer: G2RLTrainer }): Promise<ReplicaPool> {
    const { ranks } = options;
    if (!Number.isInteger(ranks) || ranks < 2) throw new RangeError(`ReplicaPool.start(ranks): expected an integer ≥ 2, got ${String(ranks)}`);
    const regions = SharedRegions.allocate(ranks, options.trainer.bufferSizes);
    const script = workerScript('replica-worker');
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let rank = 1; rank < ranks; rank++) {
      const init: ReplicaInit = { config: options.config, aus: options.aus, landmarks: options.landmarks, backend: options.backend, buffer: regions.buffer, ranks, rank, sizes: regions.sizes };
      const worker = new Worker(script, { workerData: init });
      workers.push(worker);
      ready.push(
        new Promise<void>((resolve, reject) => {
          const done = (error?: Error) => {
            worker.off('message', onMessage);
            worker.off('error', done);
            worker.off('exit', onExit);
            if (error) reject(error);
            else resolve();
          };
          const onMessage = (message: FromReplica) => {
            if (message.type === 'ready') done();
            else if (message.type === 'error') done(new Error(message.message));
          };
          const onExit = (code: number) => done(new Error(`replica ${rank} exited with code ${code} while starting`));
          worker.on('message', onMessage);
          worker.on('error', done);
          worker.on('exit', onExit);
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw new Error(`data-parallel training: ${(error as Error).message}`);
    }
    const pool = new ReplicaPool(ranks, workers, regions);
    workers.forEach((worker, i) => pool.listen(worker, i + 1));
    return pool;
  }

  private listen(worker: Worker, rank: number): void {
    worker.on('message', (message: FromReplica) => {
      if (message.type === 'done') this.settle(message.id, null, message.result);
      else if (message.type === 'error') this.fail(new Error(`data-parallel replica ${rank} failed: ${message.message}`));
    });
    worker.on('error', (error) => this.fail(new Error(`data-parallel replica ${rank} failed: ${error.message}`)));
    worker.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`data-parallel replica ${rank} exited with code ${code}`));
    });
    worker.unref(); // an idle pool never keeps the process alive; a pending request does (below)
  }

  private settle(id: number, error: Error | null, value?: unknown): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if (this.pending.size === 0) for (const w of this.workers) w.unref();
    if (error) pending.reject(error);
    else pending.resolve(value);
  }

  /** A replica failed: every pending and later request fails with its reason. */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const id of [...this.pending.keys()]) this.settle(id, this.failure);
  }

  private request<T>(worker: Worker, message: ToReplica & { id: number }): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(message.id, { resolve: resolve as (value: unknown) => void, reject });
      for (const w of this.workers) w.ref();
      worker.postMessage(message);
    });
  }

  private send(message: ToReplica): void {
    if (this.failure) throw this.failure;
    for (const worker of this.workers) worker.postMessage(message);
  }

  /** Gives every replica the main thread's trainer state (before each phase, and before evaluation). */
  async load(trainer: G2RLTrainer): Promise<void> {
    const state = trainer.getState();
    await Promise.all(this.workers.map((w) => this.request(w, { type: 'load', id: this.nextId++, state })));
  }

  /** One backbone training step over all replicas: what `trainer.trainStep(batch)` is for one. */
  async trainStep(trainer: G2RLTrainer, batch: TrainingBatchArrays): Promise<TrainStepResult> {
    const settings = { learningRate: trainer.learningRate, lambda: trainer.lambda, geometryReachesBackbone: trainer.geometryReachesBackbone };
    return this.step('train', trainer, batch, settings);
  }

  /** One geometry pretraining step over all replicas: what `trainer.pretrainGeometryStep(batch)` is for one. */
  async pretrainStep(trainer: G2RLTrainer, batch: Pick<TrainingBatchArrays, 'geometry' | 'intensities' | 'batchSize'>): Promise<{ loss: number }> {
    const { loss } = await this.step('pretrain', trainer, batch as TrainingBatchArrays, null);
    return { loss };
  }

  private async step(phase: TrainingPhase, trainer: G2RLTrainer, batch: TrainingBatchArrays, settings: StepSettings | null): Promise<TrainStepResult> {
    if (this.failure) throw this.failure;
    const parity = (this.steps++ % 2) as 0 | 1;
    const fields = BATCH_FIELDS.filter((f) => batch[f] instanceof Float32Array);
    const shards = splitTrainingBatch(batch, trainer.dims, this.ranks, fields);
    // Every replica hears of every step, an empty shard too: it must take the step's settings,
    // and its answer says it has finished reading the other parity's regions (shared-regions.ts).
    const remote = this.workers.map((worker, i) => {
      const shard = shards[i + 1];
      return this.request<PartResult | null>(worker, { type: 'compute', id: this.nextId++, phase, parity, shard: shard && { batch: shard.batch, share: shard.share }, settings });
    });
    let own: PartResult;
    try {
      own = await computePart(trainer, this.regions, 0, parity, phase, shards[0]!);
    } catch (error) {
      await Promise.allSettled(remote);
      throw error;
    }
    const parts = [own, ...(await Promise.all(remote))];
    for (const [rank, part] of parts.entries()) {
      if (part && part.present.join() !== own.present.join()) throw new Error(`data-parallel step: replica ${rank}'s gradients cover other variables than rank 0's (a bug)`);
    }
    const plan: CombinePlan = { phase, parity, weights: shards.map((s) => s?.share.samples ?? 0), present: own.present };
    this.send({ type: 'apply', plan });
    applyCombined(trainer, this.regions, plan, this.scratch);
    const total = { loss: 0, ls: 0, lg: 0, li: 0 };
    for (const part of parts) {
      if (!part) continue;
      for (const key of ['loss', 'ls', 'lg', 'li'] as const) total[key] += part.losses[key];
    }
    return total;
  }

  /**
   * Heatmaps over all replicas (inference: each image's heatmaps depend on it alone): the batch
   * cut into `ranks` contiguous parts, rank 0's on this thread. Call {@link load} first if the
   * replicas may be behind the trainer (a resumed run that had finished training).
   */
  predictor(trainer: G2RLTrainer): HeatmapPredictor {
    return shardedPredictor(this.ranks, (images, batchSize) => trainer.predict(images, batchSize), (rank, images, batchSize) =>
      this.request<Float32Array>(this.workers[rank - 1], { type: 'predict', id: this.nextId++, images, batchSize }));
  }

  /** Every worker replica's full state (tests: they must equal the main thread's). */
  async replicaStates(): Promise<G2RLTrainerState[]> {
    return Promise.all(this.workers.map((w) => this.request<G2RLTrainerState>(w, { type: 'state', id: this.nextId++ })));
  }

  /** Stops the replica threads; pending requests fail. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.fail(new Error('data-parallel pool closed'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
