/**
 * The producer and admin side of a g2rl queue (BullMQ on Redis): add jobs idempotently, read
 * the status (counts, per-job progress, each failure's reason), retry the failed ones, drain
 * the waiting ones. Workers are in `worker.ts`.
 */
import { Queue, type Job } from 'bullmq';
import { parseRedisUrl } from './redis-url.js';

/** How a job is retried when it throws (not when its worker dies: see `WorkerSettings.maxStalledCount`). */
export interface RetrySettings {
  /** tries before the job is failed for good (default 3) */
  attempts?: number;
  /** first retry delay in ms, doubling each time (default 1000) */
  backoffMs?: number;
}

export interface JobSpec<T> {
  /** stable id (see `jobIdFor`): a second add of the same id is a no-op while the job exists */
  id: string;
  /** a short human label (the input's file name) */
  name: string;
  data: T;
}

export interface JobSummary {
  id: string;
  name: string;
  state: string;
  /** 0–100 for active jobs, as the worker reported */
  progress: number;
  attemptsMade: number;
  failedReason?: string;
}

export interface QueueStatus {
  queue: string;
  redis: string;
  counts: { waiting: number; active: number; completed: number; failed: number; delayed: number };
  active: JobSummary[];
  failed: JobSummary[];
}

export interface JobQueue<T> {
  readonly name: string;
  /** Resolves once Redis answers; rejects after `timeoutMs` (default 10 s) naming the (redacted) URL. */
  ready(timeoutMs?: number): Promise<void>;
  /**
   * Adds the jobs that are not already there; `skip(spec)` may veto one (e.g. its result exists).
   * A job that completed earlier but whose result is gone is added again.
   */
  add(specs: JobSpec<T>[], options?: { skip?: (spec: JobSpec<T>) => boolean }): Promise<{ added: string[]; skipped: string[] }>;
  status(options?: { failedLimit?: number }): Promise<QueueStatus>;
  /** Moves every failed job back to waiting; returns how many. */
  retryFailed(): Promise<number>;
  /** Removes the waiting and delayed jobs (active ones finish); returns how many were removed. */
  drain(): Promise<number>;
  close(): Promise<void>;
}

export const DEFAULT_QUEUE = 'g2rl-analyze';

function summary(job: Job, state: string): JobSummary {
  const progress = typeof job.progress === 'number' ? job.progress : 0;
  return { id: String(job.id), name: job.name, state, progress, attemptsMade: job.attemptsMade, ...(job.failedReason ? { failedReason: job.failedReason } : {}) };
}

/** Opens queue `name` (default `g2rl-analyze`) on the Redis at `redisUrl`. */
export function openJobQueue<T>(redisUrl: string, name = DEFAULT_QUEUE, retry: RetrySettings = {}): JobQueue<T> {
  const { connection, redacted } = parseRedisUrl(redisUrl);
  const queue = new Queue(name, { connection });
  // An unreachable Redis surfaces as the rejected call below; the event only says it again.
  queue.on('error', () => undefined);
  const attempts = retry.attempts ?? 3;
  const backoffMs = retry.backoffMs ?? 1000;
  return {
    name,
    async ready(timeoutMs = 10_000) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`cannot reach Redis at ${redacted} within ${timeoutMs / 1000} s: is it running, and is the URL right?`)), timeoutMs);
      });
      try {
        await Promise.race([queue.waitUntilReady(), deadline]);
      } finally {
        clearTimeout(timer);
      }
    },
    async add(specs, options = {}) {
      const added: string[] = [];
      const skipped: string[] = [];
      for (const spec of specs) {
        if (options.skip?.(spec)) {
          skipped.push(spec.id);
          continue;
        }
        const existing = await queue.getJob(spec.id);
        if (existing) {
          const state = await existing.getState();
          // completed, yet the caller found no result: run it again
          if (state === 'completed') await existing.remove();
          else {
            skipped.push(spec.id);
            continue;
          }
        }
        await queue.add(spec.name, spec.data, {
          jobId: spec.id,
          attempts,
          backoff: { type: 'exponential', delay: backoffMs },
          removeOnComplete: { age: 7 * 24 * 3600 },
          removeOnFail: false,
        });
        added.push(spec.id);
      }
      return { added, skipped };
    },
    async status({ failedLimit = 50 } = {}) {
      const c = await queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'paused');
      const active = await queue.getJobs(['active'], 0, 99, true);
      const failed = await queue.getJobs(['failed'], 0, failedLimit - 1, true);
      return {
        queue: name,
        redis: redacted,
        counts: { waiting: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.paused ?? 0), active: c.active ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0, delayed: c.delayed ?? 0 },
        active: active.filter(Boolean).map((j) => summary(j, 'active')),
        failed: failed.filter(Boolean).map((j) => summary(j, 'failed')),
      };
    },
    async retryFailed() {
      const n = (await queue.getJobCounts('failed')).failed ?? 0;
      await queue.retryJobs({ state: 'failed' });
      return n;
    },
    async drain() {
      const c = await queue.getJobCounts('waiting', 'delayed', 'prioritized');
      await queue.drain(true);
      return (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0);
    },
    async close() {
      await queue.close();
    },
  };
}

/** `status` as text lines for a terminal. */
export function formatQueueStatus(s: QueueStatus): string {
  const lines = [
    `queue ${s.queue} on ${s.redis}`,
    `  waiting ${s.counts.waiting}  active ${s.counts.active}  done ${s.counts.completed}  failed ${s.counts.failed}${s.counts.delayed ? `  retrying later ${s.counts.delayed}` : ''}`,
  ];
  for (const j of s.active) lines.push(`  active  ${j.name} (${j.id.slice(0, 8)}) ${j.progress.toFixed(0)} %`);
  for (const j of s.failed) lines.push(`  failed  ${j.name} (${j.id.slice(0, 8)}) after ${j.attemptsMade} attempt(s): ${j.failedReason ?? 'no reason recorded'}`);
  return lines.join('\n');
}
