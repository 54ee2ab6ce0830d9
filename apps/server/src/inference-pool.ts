// The HTTP thread's side of inference: a bounded queue of images, micro-batching (send up
// to `maxBatch` queued images to the worker at once, waiting at most `batchWindowMs` for
// company), a deadline per image, and a worker that is restarted if it dies.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { STAGES, type AnalyzeJob, type FromWorker, type JobOutcome, type WorkerConfig } from './analysis-types.js';
import type { ServerMetrics } from './metrics.js';
import { ProblemError } from './problem.js';

export interface InferencePoolOptions {
  worker: WorkerConfig;
  /** Images per worker batch (the model sees all their faces in chunks of worker.maxModelBatch). */
  maxBatch: number;
  /** How long the first queued image waits for others before its batch goes. */
  batchWindowMs: number;
  /** Images allowed to wait; one more gets 503 with Retry-After. */
  maxQueue: number;
  /** Per-image deadline from submission to result. */
  timeoutMs: number;
  metrics: ServerMetrics;
}

interface Waiting {
  job: AnalyzeJob;
  enqueued: number;
  resolve: (outcome: JobOutcome) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  settled: boolean;
}

/** The compiled worker entry: beside this file in dist/, or dist/ when running from src/. */
function workerFile(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'inference-worker.js'), join(here, '..', 'dist', 'inference-worker.js')];
  const found = candidates.find((f) => existsSync(f));
  if (!found) throw new Error(`inference worker not found (looked for ${candidates.join(', ')}); run \`pnpm --filter @g2rl/server build\``);
  return found;
}

export class InferencePool {
  state: 'starting' | 'ready' | 'failed' | 'closed' = 'starting';
  card: Record<string, unknown> | undefined;
  backend: string | undefined;
  failure: string | undefined;
  /** Resolves when the worker is ready; rejects with the load error. */
  readonly ready: Promise<void>;

  private worker!: Worker;
  private queue: Waiting[] = [];
  private inFlight = new Map<number, Waiting[]>();
  private busy = false;
  private windowTimer: NodeJS.Timeout | undefined;
  private nextJob = 1;
  private nextBatch = 1;
  private nextStats = 1;
  private statsWaiters = new Map<number, (tensors: number) => void>();
  private markReady!: () => void;
  private markFailed!: (error: Error) => void;

  constructor(private readonly options: InferencePoolOptions) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.markFailed = reject;
    });
    this.ready.catch(() => undefined); // observed through `state`/`failure` too
    this.spawn();
  }

  private spawn(): void {
    const worker = new Worker(workerFile(), { workerData: this.options.worker });
    this.worker = worker;
    worker.on('message', (message: FromWorker) => this.onMessage(message));
    worker.on('error', (error) => this.onExit(`the inference worker failed: ${error.message}`));
    worker.on('exit', (code) => this.onExit(`the inference worker exited with code ${code}`));
  }

  private onMessage(message: FromWorker): void {
    const { metrics } = this.options;
    switch (message.type) {
      case 'ready':
        this.state = 'ready';
        this.card = message.card;
        this.backend = message.backend;
        metrics.ready.set(1);
        metrics.workerTensors.set(message.tensors);
        this.markReady();
        this.schedule();
        return;
      case 'failed':
        this.state = 'failed';
        this.failure = message.message;
        this.markFailed(new Error(message.message));
        void this.worker.terminate();
        return;
      case 'stats':
        metrics.workerTensors.set(message.tensors);
        this.statsWaiters.get(message.request)?.(message.tensors);
        this.statsWaiters.delete(message.request);
        return;
      case 'analyzed': {
        const waiting = this.inFlight.get(message.batch) ?? [];
        this.inFlight.delete(message.batch);
        metrics.workerTensors.set(message.tensors);
        for (const size of message.modelBatchSizes) metrics.batchCrops.observe(size);
        const byId = new Map(message.outcomes.map((o) => [o.id, o]));
        for (const w of waiting) {
          const outcome = byId.get(w.job.id);
          if (outcome?.ok) {
            for (const stage of STAGES) metrics.stageSeconds.observe(outcome.result.timings[stage] / 1000, { stage });
            metrics.faces.inc({}, outcome.result.faces.length);
          }
          this.settle(w, (waiter) => (outcome ? waiter.resolve(outcome) : waiter.reject(new Error(`the worker returned no result for image ${w.job.id}`))));
        }
        this.busy = false;
        this.schedule();
        return;
      }
    }
  }

  private onExit(reason: string): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    const lost = [...this.inFlight.values()].flat();
    this.inFlight.clear();
    this.busy = false;
    for (const w of lost) this.settle(w, (waiter) => waiter.reject(new ProblemError('not-ready', `${reason}; it is being restarted, retry shortly`, { 'Retry-After': '2' })));
    this.state = 'starting';
    this.options.metrics.ready.set(0);
    setTimeout(() => { if (this.state !== 'closed') this.spawn(); }, 500).unref();
  }

  private settle(w: Waiting, action: (w: Waiting) => void): void {
    if (w.settled) return;
    w.settled = true;
    clearTimeout(w.timer);
    action(w);
  }

  /** Queues one image; resolves with its outcome. Throws ProblemError when busy, not ready or late. */
  submit(job: Omit<AnalyzeJob, 'id'>): Promise<JobOutcome> {
    if (this.state === 'failed') throw new ProblemError('not-ready', `the model could not be loaded: ${this.failure}`);
    if (this.state === 'closed') throw new ProblemError('not-ready', 'the server is shutting down');
    if (this.queue.length >= this.options.maxQueue) {
      // A batch takes about one window plus its compute; 1 s is a fair hint for clients.
      throw new ProblemError('queue-full', `${this.queue.length} images are already waiting (--max-queue ${this.options.maxQueue}); retry later`, { 'Retry-After': '1' });
    }
    return new Promise<JobOutcome>((resolve, reject) => {
      const waiting: Waiting = {
        job: { ...job, id: this.nextJob++ },
        enqueued: performance.now(),
        resolve,
        reject,
        settled: false,
        timer: setTimeout(() => {
          this.queue = this.queue.filter((q) => q !== waiting);
          this.options.metrics.queueDepth.set(this.queue.length);
          this.settle(waiting, (w) => w.reject(new ProblemError('timeout', `no result within ${this.options.timeoutMs} ms (--timeout); the server may be overloaded, retry later`, { 'Retry-After': '2' })));
        }, this.options.timeoutMs),
      };
      this.queue.push(waiting);
      this.options.metrics.queueDepth.set(this.queue.length);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.busy || this.state !== 'ready' || this.queue.length === 0) return;
    if (this.queue.length >= this.options.maxBatch || this.options.batchWindowMs <= 0) {
      this.dispatch();
    } else if (!this.windowTimer) {
      this.windowTimer = setTimeout(() => this.dispatch(), this.options.batchWindowMs);
    }
  }

  private dispatch(): void {
    clearTimeout(this.windowTimer);
    this.windowTimer = undefined;
    if (this.busy || this.state !== 'ready') return;
    const taken = this.queue.splice(0, this.options.maxBatch).filter((w) => !w.settled);
    this.options.metrics.queueDepth.set(this.queue.length);
    if (taken.length === 0) return this.schedule();
    const batch = this.nextBatch++;
    const started = performance.now();
    for (const w of taken) this.options.metrics.queueWaitSeconds.observe((started - w.enqueued) / 1000);
    this.options.metrics.batchImages.observe(taken.length);
    this.inFlight.set(batch, taken);
    this.busy = true;
    // Copy each body into its own transferable buffer so the HTTP thread keeps nothing.
    const jobs = taken.map((w) => ({ ...w.job, bytes: Uint8Array.from(w.job.bytes) }));
    this.worker.postMessage({ type: 'analyze', batch, jobs }, jobs.map((j) => j.bytes.buffer));
  }

  /** The worker's tf.memory().numTensors (answers between batches; undefined after `waitMs`). */
  async workerTensors(waitMs = 1000): Promise<number | undefined> {
    if (this.state !== 'ready') return undefined;
    const request = this.nextStats++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.statsWaiters.delete(request); resolve(undefined); }, waitMs);
      this.statsWaiters.set(request, (tensors) => { clearTimeout(timer); resolve(tensors); });
      this.worker.postMessage({ type: 'stats', request });
    });
  }

  /** Stops the worker; queued and in-flight images get 503. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.windowTimer);
    const pending = [...this.queue, ...[...this.inFlight.values()].flat()];
    this.queue = [];
    this.inFlight.clear();
    for (const w of pending) this.settle(w, (waiter) => waiter.reject(new ProblemError('not-ready', 'the server is shutting down')));
    await this.worker.terminate();
  }
}
