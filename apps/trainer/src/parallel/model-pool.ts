/**
 * Inference of an exported model over every core on a single-threaded backend (wasm): `ranks − 1`
 * threads each load the model folder on the same backend and predict their part of each batch
 * (`sharded-predictor.ts`), the main thread's own copy the first part. `eval` and `calibrate`
 * (and so `demo`) score on it: the heatmaps are the one-thread heatmaps, in the same order.
 */
import * as tf from '@tensorflow/tfjs';
import { Worker } from 'node:worker_threads';
import type { HeatmapPredictor } from '../evaluate.js';
import { modelPredictor } from '../evaluate.js';
import { shardedPredictor } from './sharded-predictor.js';
import { resolveWorkerCount, type WorkersSetting } from './worker-count.js';
import { workerScript } from './worker-script.js';

/** The `workerData` of an inference thread. */
export interface ModelWorkerInit {
  modelDir: string;
  backend: string;
}
export type ToModelWorker = { id: number; images: Float32Array; batchSize: number };
export type FromModelWorker = { type: 'ready' } | { type: 'done'; id: number; heatmaps: Float32Array } | { type: 'error'; id?: number; message: string };

/** Evaluation's batch (evaluate.ts): what 'auto' sizes the shards by. */
const EVALUATION_BATCH = 32;

export class ModelPool {
  private readonly pending = new Map<number, { resolve: (heatmaps: Float32Array) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private failure: Error | null = null;
  private closing = false;

  private constructor(
    private readonly workers: Worker[],
    private readonly modelDir: string,
  ) {
    workers.forEach((worker, i) => {
      worker.on('message', (message: FromModelWorker) => {
        if (message.type === 'done') this.settle(message.id, null, message.heatmaps);
        else if (message.type === 'error') this.fail(new Error(`inference thread ${i + 1} (${modelDir}): ${message.message}`));
      });
      worker.on('error', (error) => this.fail(new Error(`inference thread ${i + 1} (${modelDir}) failed: ${error.message}`)));
      worker.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`inference thread ${i + 1} (${modelDir}) exited with code ${code}`));
      });
    });
  }

  /**
   * The threads a model's evaluation uses beside the main one under `setting` on `backend`
   * (`resolveWorkerCount`): none on a backend that threads its own kernels.
   */
  static threadsFor(setting: WorkersSetting, backend = tf.getBackend()): number {
    return resolveWorkerCount(setting, backend, EVALUATION_BATCH) - 1;
  }

  /** Starts `threads` inference threads on `backend`, each with its own copy of `modelDir`'s model. */
  static async start(modelDir: string, threads: number, backend = tf.getBackend()): Promise<ModelPool> {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`ModelPool.start(threads): expected an integer ≥ 1, got ${String(threads)}`);
    const script = workerScript('model-worker');
    const workers = Array.from({ length: threads }, () => new Worker(script, { workerData: { modelDir, backend } satisfies ModelWorkerInit }));
    try {
      await Promise.all(workers.map((worker, i) => ready(worker, i + 1)));
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw new Error(`parallel inference: ${(error as Error).message}`);
    }
    for (const worker of workers) worker.unref(); // idle threads never keep the process alive; a pending request does
    return new ModelPool(workers, modelDir);
  }

  /** Heatmaps over this thread's `model` (part 0 of each batch) and the pool's threads. */
  predictor(model: tf.LayersModel): HeatmapPredictor {
    return shardedPredictor(this.workers.length + 1, modelPredictor(model), (rank, images, batchSize) => this.request(this.workers[rank - 1], images, batchSize));
  }

  private request(worker: Worker, images: Float32Array, batchSize: number): Promise<Float32Array> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<Float32Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      for (const w of this.workers) w.ref();
      worker.postMessage({ id, images, batchSize } satisfies ToModelWorker, [images.buffer as ArrayBuffer]);
    });
  }

  private settle(id: number, error: Error | null, heatmaps?: Float32Array): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if (this.pending.size === 0) for (const w of this.workers) w.unref();
    if (error) pending.reject(error);
    else pending.resolve(heatmaps!);
  }

  /** A thread failed: every pending and later request fails with its reason. */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const id of [...this.pending.keys()]) this.settle(id, this.failure);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.fail(new Error(`parallel inference of ${this.modelDir}: pool closed`));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Resolves when `worker` says it is ready; rejects with its error, or if it exits first. */
function ready(worker: Worker, rank: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (error?: Error) => {
      worker.off('message', onMessage);
      worker.off('error', done);
      worker.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    const onMessage = (message: FromModelWorker) => {
      if (message.type === 'ready') done();
      else if (message.type === 'error') done(new Error(message.message));
    };
    const onExit = (code: number) => done(new Error(`inference thread ${rank} exited with code ${code} while starting`));
    worker.on('message', onMessage);
    worker.on('error', done);
    worker.on('exit', onExit);
  });
}

/**
 * The predictor `eval` and `calibrate` score `model` (loaded from `modelDir`) with: over a
 * {@link ModelPool} when the backend is single-threaded and there are cores to spare, else on
 * this thread. Call `close` when done.
 */
export async function evaluationPredictor(model: tf.LayersModel, modelDir: string, setting: WorkersSetting): Promise<{ predict: HeatmapPredictor; close: () => Promise<void> }> {
  const threads = ModelPool.threadsFor(setting);
  if (threads < 1) return { predict: modelPredictor(model), close: async () => undefined };
  const pool = await ModelPool.start(modelDir, threads);
  return { predict: pool.predictor(model), close: () => pool.close() };
}
