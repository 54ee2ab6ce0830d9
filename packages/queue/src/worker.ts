/**
 * The worker side: takes jobs from a g2rl queue, runs them, and lets BullMQ's stalled-job
 * handling give a job whose worker died (SIGKILL, power loss, lost network) to another worker.
 *
 * How a dead worker's job comes back: the worker holds a lock on each active job and renews it
 * every `lockDuration / 2`; when the lock expires (the worker is gone), the next stalled check
 * (every `stalledInterval`) of any live worker moves the job back to waiting, up to
 * `maxStalledCount` times, after which it is failed with "job stalled more than allowable
 * limit". Keep `lockDuration` above the longest stretch a processor blocks the event loop
 * (one video frame or image is milliseconds; the default is 30 s).
 */
import { Queue, Worker, type Job } from 'bullmq';
import { parseRedisUrl } from './redis-url.js';
import { DEFAULT_QUEUE } from './job-queue.js';

export interface WorkerSettings {
  /** queue name (default `g2rl-analyze`) */
  queue?: string;
  /** jobs processed at once by this process (default 1: our jobs use every core already) */
  concurrency?: number;
  /** ms a job's lock lasts without renewal (default 30 000) */
  lockDuration?: number;
  /** ms between stalled checks (default 30 000) */
  stalledInterval?: number;
  /** times a job may lose its worker before it is failed (default 2) */
  maxStalledCount?: number;
  /** called for worker-level events worth a line (connection lost, job failed); never given secrets */
  log?: (line: string) => void;
}

/** What a processor gets: the job's id, name and data, and a progress reporter (0–100). */
export interface JobContext<T> {
  id: string;
  name: string;
  data: T;
  attempt: number;
  progress(percent: number): Promise<void>;
}

export interface RunningWorker {
  /** Resolves when no job is waiting or active (for tests and `--until-empty`). */
  idle(): Promise<void>;
  /** Stops taking jobs, lets the active ones finish, disconnects. */
  close(): Promise<void>;
}

/** Starts a worker on `redisUrl` that runs `processor` for each job. */
export function startWorker<T, R>(redisUrl: string, processor: (job: JobContext<T>) => Promise<R>, settings: WorkerSettings = {}): RunningWorker {
  const { connection, redacted } = parseRedisUrl(redisUrl);
  const log = settings.log ?? (() => undefined);
  const worker = new Worker(
    settings.queue ?? DEFAULT_QUEUE,
    async (job: Job) =>
      processor({
        id: String(job.id),
        name: job.name,
        data: job.data as T,
        attempt: job.attemptsMade + 1,
        progress: (percent) => job.updateProgress(Math.max(0, Math.min(100, Math.round(percent)))),
      }),
    {
      connection,
      concurrency: settings.concurrency ?? 1,
      lockDuration: settings.lockDuration ?? 30_000,
      stalledInterval: settings.stalledInterval ?? 30_000,
      maxStalledCount: settings.maxStalledCount ?? 2,
    },
  );
  let lastError = '';
  worker.on('error', (error) => {
    const message = `worker: Redis ${redacted}: ${error.message}`;
    if (message !== lastError) log(message); // one line per distinct problem, not one per retry
    lastError = message;
  });
  worker.on('ready', () => {
    if (lastError) log(`worker: connected to ${redacted} again`);
    lastError = '';
  });
  worker.on('failed', (job, error) => {
    if (job) log(`worker: ${job.name} (${String(job.id).slice(0, 8)}) attempt ${job.attemptsMade} failed: ${error.message}`);
  });
  return {
    async idle() {
      const queue = new Queue(worker.name, { connection });
      queue.on('error', () => undefined);
      try {
        for (;;) {
          const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
          if (Object.values(c).every((n) => n === 0)) return;
          await new Promise((r) => setTimeout(r, 200));
        }
      } finally {
        await queue.close();
      }
    },
    async close() {
      await worker.close();
    },
  };
}
