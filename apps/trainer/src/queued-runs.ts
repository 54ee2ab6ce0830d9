/**
 * Training sweeps on a Redis queue (BullMQ, `@g2rl/queue`): `g2rl-train cv|benchmark|ablation|
 * data-efficiency … --queue URL` puts each run that has not finished yet on the queue and waits;
 * `g2rl-train worker --redis URL`, on any number of machines sharing the runs folder, trains
 * them. A run's result is its `evaluation.json` in the shared runs folder (written atomically);
 * a job that is retried after its worker died resumes from the run's last checkpoint. When the
 * last run is there the command writes the pooled report; run the same command again after a
 * crash and it reuses every finished run.
 */
import { resolve } from 'node:path';
import { jobIdFor, openJobQueue, startWorker, type RunningWorker, type WorkerSettings } from '@g2rl/queue';
import type { TrainConfig } from './config.js';
import { configHash } from './config-hash.js';
import { loadData, type LoadedData } from './data.js';
import { UserError } from './errors.js';
import type { Reporter } from './progress.js';
import type { RunExecutor, RunSpec } from './run-executor.js';
import type { StopFlag } from './stop.js';
import { readStoredEvaluation, runOrReuse, type StoredEvaluation } from './stored-evaluation.js';

export const TRAIN_QUEUE = 'g2rl-train';

/** A queued run: the spec with absolute paths, so a worker in another folder finds the same files. */
export interface TrainJob {
  config: TrainConfig;
  fold?: number;
}

/**
 * The config with its folders made absolute, so a worker started in another folder (or on
 * another machine with the same mounts) reads and writes the same files. A queued command
 * applies it before listing its runs, so its config hashes and the workers' agree.
 */
export function absoluteConfig(config: TrainConfig): TrainConfig {
  return { ...config, runsDir: resolve(config.runsDir), cacheDir: resolve(config.cacheDir), data: { ...config.data, path: resolve(config.data.path) } };
}

/** Runs the specs on the queue's workers; polls the shared runs folder for their evaluations. */
export function queuedRuns(redisUrl: string, options: { queue?: string; pollMs?: number; attempts?: number } = {}): RunExecutor {
  return async (specs, _data, ctx) => {
    const queue = openJobQueue<TrainJob>(redisUrl, options.queue ?? TRAIN_QUEUE, { attempts: options.attempts ?? 3, backoffMs: 5000 });
    try {
      await queue.ready();
      const jobs = specs.map((spec) => {
        const config = spec.config;
        if (config.runsDir !== resolve(config.runsDir)) throw new Error(`queuedRuns: ${config.name}: give absoluteConfig(config), not relative folders`);
        return { id: jobIdFor({ name: config.name, runsDir: config.runsDir, hash: configHash(config) }), name: config.name, data: { config, fold: spec.fold } };
      });
      const { added } = await queue.add(jobs, { skip: (job) => readStoredEvaluation(job.data.config) !== undefined });
      ctx.reporter.info(`queue: ${added.length} run(s) queued, ${specs.length - added.length} finished or queued already; waiting for the workers (g2rl-train worker --redis …)`);
      const results: (StoredEvaluation | undefined)[] = jobs.map(() => undefined);
      let reported = -1;
      for (;;) {
        jobs.forEach((job, i) => {
          results[i] ??= readStoredEvaluation(job.data.config);
        });
        const done = results.filter(Boolean).length;
        if (done !== reported) ctx.reporter.info(`queue: ${done} of ${jobs.length} run(s) finished`);
        reported = done;
        if (done === jobs.length) return results as StoredEvaluation[];
        const status = await queue.status({ failedLimit: 1000 });
        const failed = status.failed.find((f) => jobs.some((j, i) => !results[i] && j.id === f.id));
        if (failed) throw new UserError(`queue: run ${failed.name} failed after ${failed.attemptsMade} attempt(s): ${failed.failedReason ?? 'no reason'} (fix it, then g2rl-train worker … picks it up after a retry: run this command again)`);
        if (ctx.stop.requested) throw new UserError('stopped while waiting for the queue; the workers go on, and this command run again picks up their results');
        await new Promise((r) => setTimeout(r, options.pollMs ?? 2000));
      }
    } finally {
      await queue.close();
    }
  };
}

/** `g2rl-train worker`: trains queued runs until stopped (or, with `untilEmpty`, until none is left). */
export function startTrainWorker(redisUrl: string, reporter: Reporter, stop: StopFlag, settings: WorkerSettings = {}): RunningWorker {
  // One data set per distinct data config, loaded once per worker process.
  const loaded = new Map<string, Promise<LoadedData>>();
  return startWorker<TrainJob, string>(
    redisUrl,
    async (job) => {
      const { config, fold } = job.data;
      // the fold picks a split of the same samples: it is not part of the data's identity
      const key = JSON.stringify({ data: { ...config.data, fold: 0 }, cacheDir: config.cacheDir, seed: config.seed });
      if (!loaded.has(key)) loaded.set(key, loadData(config, reporter));
      const data = await loaded.get(key)!;
      reporter.info(`worker: ${config.name} (attempt ${job.attempt})`);
      const evaluation = await runOrReuse({ config, data, fold, reporter, stop });
      return `${config.name}: mean ICC ${evaluation.report.mean.icc.toFixed(3)}`;
    },
    { queue: TRAIN_QUEUE, ...settings },
  );
}

export type { RunSpec };
