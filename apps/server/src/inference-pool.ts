// The HTTP thread's side of inference: a bounded queue of images, micro-batching (send up
// to `maxBatch` queued images to an idle worker at once, waiting at most `batchWindowMs`
// for company), a deadline per image, and worker threads that are restarted if they die.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { STAGES, type AnalyzeJob, type FromWorker, type JobOutcome, type WorkerConfig, type WorkerMemory } from './analysis-types.js';
import type { ModelCard } from '@g2rl/models/card';
import type { ServerMetrics } from './metrics.js';
import { ProblemError } from './problem.js';
import type { WorkerFault } from './worker-faults.js';

export interface InferencePoolOptions {
  worker: WorkerConfig;
  /** Worker threads, each with its own detector and model (one batch in flight each). Default 1. */
  workers?: number;
  /** Images per worker batch (the model sees all their faces in chunks of worker.maxModelBatch). */
  maxBatch: number;
  /** How long the first queued image waits for others before its batch goes. */
  batchWindowMs: number;
  /** Images allowed to wait; one more gets 503 with Retry-After. */
  maxQueue: number;
  /** Per-image deadline from submission to result. */
  timeoutMs: number;
  metrics: ServerMetrics;
  /** V8 limits of each worker thread (e.g. a heap cap: the worker dies with ERR_WORKER_OUT_OF_MEMORY, the pool restarts it). */
  resourceLimits?: ResourceLimits;
}

interface Waiting {
  job: AnalyzeJob;
  enqueued: number;
  resolve: (outcome: JobOutcome) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  settled: boolean;
}

/** One worker thread and what it is doing. */
interface Slot {
  index: number;
  worker: Worker;
  ready: boolean;
  /** The batch in flight on this worker, if any. */
  batch: { id: number; waiting: Waiting[] } | undefined;
  tensors: number;
  /** The worker's memory by kind, as of its last report. */
  memory: WorkerMemory;
  /** Set by the first 'error' or 'exit' event ('error' is followed by 'exit': handle one). */
  dead: boolean;
  stats: Map<number, (tensors: number) => void>;
}

const noMemory = (): WorkerMemory => ({ heapBytes: 0, externalBytes: 0, poolFreeBytes: 0, convFilterBytes: 0, convPlans: 0, wasmBytes: 0 });

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
  card: ModelCard | undefined;
  backend: string | undefined;
  failure: string | undefined;
  /** Resolves when a worker is ready; rejects with the load error. */
  readonly ready: Promise<void>;

  private readonly slots: Slot[] = [];
  private queue: Waiting[] = [];
  private windowTimer: NodeJS.Timeout | undefined;
  private nextJob = 1;
  private nextBatch = 1;
  private nextStats = 1;
  private markReady!: () => void;
  private markFailed!: (error: Error) => void;

  constructor(private readonly options: InferencePoolOptions) {
    const count = options.workers ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new Error(`InferencePool: options.workers must be a positive integer, got ${count}`);
    this.ready = new Promise<void>((resolve, reject) => {
      this.markReady = resolve;
      this.markFailed = reject;
    });
    this.ready.catch(() => undefined); // observed through `state`/`failure` too
    for (let i = 0; i < count; i++) this.slots.push(this.spawn(i));
  }

  private spawn(index: number): Slot {
    const worker = new Worker(workerFile(), { workerData: this.options.worker, resourceLimits: this.options.resourceLimits });
    const slot: Slot = { index, worker, ready: false, batch: undefined, tensors: 0, memory: noMemory(), dead: false, stats: new Map() };
    worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
    worker.on('error', (error) => this.onExit(slot, `inference worker ${index} failed: ${error.message}`));
    worker.on('exit', (code) => this.onExit(slot, `inference worker ${index} exited with code ${code}`));
    return slot;
  }

  private updateGauges(): void {
    const { metrics } = this.options;
    metrics.ready.set(this.slots.some((s) => s.ready) ? 1 : 0);
    metrics.workerTensors.set(this.slots.reduce((sum, s) => sum + s.tensors, 0));
    const sum = (key: keyof WorkerMemory): number => this.slots.reduce((total, s) => total + s.memory[key], 0);
    metrics.workerHeapBytes.set(sum('heapBytes'));
    metrics.workerExternalBytes.set(sum('externalBytes'));
    metrics.workerPoolFreeBytes.set(sum('poolFreeBytes'));
    metrics.workerConvFilterBytes.set(sum('convFilterBytes'));
    metrics.workerConvPlans.set(sum('convPlans'));
    metrics.workerWasmBytes.set(sum('wasmBytes'));
    metrics.queueDepth.set(this.queue.length);
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    const { metrics } = this.options;
    switch (message.type) {
      case 'ready':
        slot.ready = true;
        slot.tensors = message.tensors;
        if (this.state === 'starting') this.state = 'ready';
        this.card = message.card;
        this.backend = message.backend;
        this.updateGauges();
        this.markReady();
        this.schedule();
        return;
      case 'failed':
        // Every worker loads the same model, so one failure is everyone's.
        this.state = 'failed';
        this.failure = message.message;
        this.updateGauges();
        this.markFailed(new Error(message.message));
        // A restarted worker can fail too (the folder changed under us): nobody may wait on.
        this.rejectAll(new ProblemError('not-ready', `the model could not be loaded: ${message.message}`));
        for (const s of this.slots) void s.worker.terminate();
        return;
      case 'stats':
        slot.tensors = message.tensors;
        if (message.memory !== undefined) slot.memory = message.memory;
        slot.stats.get(message.request)?.(message.tensors);
        slot.stats.delete(message.request);
        this.updateGauges();
        return;
      case 'analyzed': {
        const waiting = slot.batch?.id === message.batch ? slot.batch.waiting : [];
        slot.batch = undefined;
        slot.tensors = message.tensors;
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
        this.updateGauges();
        this.schedule();
        return;
      }
    }
  }

  /**
   * A worker died (crash, `process.exit`, out of memory, terminate): its batch and, when no
   * other worker is ready, the whole queue get 503 at once (nobody waits for the restart, which
   * may fail); a new worker starts half a second later.
   */
  private onExit(slot: Slot, reason: string): void {
    if (slot.dead) return;
    slot.dead = true;
    if (this.state === 'closed' || this.state === 'failed' || this.slots[slot.index] !== slot) return;
    const lost = slot.batch?.waiting ?? [];
    slot.batch = undefined;
    slot.ready = false;
    slot.tensors = 0;
    slot.memory = noMemory();
    const alive = this.slots.some((s) => s.ready);
    if (!alive) {
      lost.push(...this.queue);
      this.queue = [];
      clearTimeout(this.windowTimer);
      this.windowTimer = undefined;
      this.state = 'starting';
    }
    const problem = new ProblemError('not-ready', `${reason}; it is being restarted, retry shortly`, { 'Retry-After': '2' });
    for (const w of lost) this.settle(w, (waiter) => waiter.reject(problem));
    this.options.metrics.workerRestarts.inc();
    this.updateGauges();
    setTimeout(() => {
      if (this.state !== 'closed' && this.state !== 'failed') this.slots[slot.index] = this.spawn(slot.index);
    }, 500).unref();
    if (alive) this.schedule();
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
          this.updateGauges();
          this.settle(waiting, (w) => w.reject(new ProblemError('timeout', `no result within ${this.options.timeoutMs} ms (--timeout); the server may be overloaded, retry later`, { 'Retry-After': '2' })));
        }, this.options.timeoutMs),
      };
      this.queue.push(waiting);
      this.updateGauges();
      this.schedule();
    });
  }

  private idleSlot(): Slot | undefined {
    return this.slots.find((s) => s.ready && !s.batch);
  }

  private schedule(): void {
    if (this.state !== 'ready' || this.queue.length === 0 || !this.idleSlot()) return;
    if (this.queue.length >= this.options.maxBatch || this.options.batchWindowMs <= 0) {
      this.dispatch();
    } else if (!this.windowTimer) {
      this.windowTimer = setTimeout(() => this.dispatch(), this.options.batchWindowMs);
    }
  }

  /**
   * Sends queued images to idle workers, shared out evenly (at most maxBatch each): one worker
   * taking all eight images of eight clients would leave the others idle until it is done
   * (measured: 25 req/s with 2 workers, the throughput of one).
   */
  private dispatch(): void {
    clearTimeout(this.windowTimer);
    this.windowTimer = undefined;
    let slot: Slot | undefined;
    while (this.state === 'ready' && this.queue.length > 0 && (slot = this.idleSlot())) {
      const idle = this.slots.filter((s) => s.ready && !s.batch).length;
      const share = Math.min(this.options.maxBatch, Math.ceil(this.queue.length / idle));
      const taken = this.queue.splice(0, share).filter((w) => !w.settled);
      if (taken.length === 0) continue;
      const id = this.nextBatch++;
      const started = performance.now();
      for (const w of taken) this.options.metrics.queueWaitSeconds.observe((started - w.enqueued) / 1000);
      this.options.metrics.batchImages.observe(taken.length);
      slot.batch = { id, waiting: taken };
      // Copy each body into its own transferable buffer so the HTTP thread keeps nothing.
      // (`new Uint8Array(buffer)` is one memcpy; `Uint8Array.from` walks the bytes one by one.)
      const jobs = taken.map((w) => ({ ...w.job, bytes: new Uint8Array(w.job.bytes) }));
      slot.worker.postMessage({ type: 'analyze', batch: id, jobs }, jobs.map((j) => j.bytes.buffer));
    }
    this.updateGauges();
  }

  /** Σ over workers of tf.memory().numTensors (they answer between batches; undefined after `waitMs`). */
  async workerTensors(waitMs = 1000): Promise<number | undefined> {
    const ready = this.slots.filter((s) => s.ready);
    if (this.state !== 'ready' || ready.length === 0) return undefined;
    const counts = await Promise.all(ready.map((slot) => new Promise<number | undefined>((resolve) => {
      const request = this.nextStats++;
      const timer = setTimeout(() => { slot.stats.delete(request); resolve(undefined); }, waitMs);
      slot.stats.set(request, (tensors) => { clearTimeout(timer); resolve(tensors); });
      slot.worker.postMessage({ type: 'stats', request });
    })));
    return counts.some((c) => c === undefined) ? undefined : counts.reduce<number>((a, b) => a + b!, 0);
  }

  /** Answers every queued and in-flight image with `problem`. */
  private rejectAll(problem: ProblemError): void {
    clearTimeout(this.windowTimer);
    this.windowTimer = undefined;
    const pending = [...this.queue, ...this.slots.flatMap((s) => s.batch?.waiting ?? [])];
    this.queue = [];
    for (const s of this.slots) s.batch = undefined;
    for (const w of pending) this.settle(w, (waiter) => waiter.reject(problem));
    this.updateGauges();
  }

  /** Arms a fault (worker-faults.ts) in worker `index` for its next batch; needs `worker.faults` (tests only). */
  injectFault(fault: WorkerFault, index = 0): void {
    if (!this.options.worker.faults) throw new Error('InferencePool.injectFault: the pool was not built with worker.faults = true');
    const slot = this.slots[index];
    if (!slot) throw new Error(`InferencePool.injectFault: no worker ${index} (there are ${this.slots.length})`);
    slot.worker.postMessage({ type: 'fault', fault });
  }

  /** Images queued or in a worker batch (what a graceful shutdown waits for). */
  get pending(): number {
    return this.queue.length + this.slots.reduce((n, s) => n + (s.batch?.waiting.length ?? 0), 0);
  }

  /** Stops the workers; queued and in-flight images get 503. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.windowTimer);
    this.rejectAll(new ProblemError('shutting-down', 'the server is shutting down; retry on another instance or after the restart', { 'Retry-After': '2' }));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
