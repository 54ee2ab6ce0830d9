/**
 * `g2rl-analyze queue add|status|retry-failed|drain` and `g2rl-analyze worker`: corpus
 * extraction on a Redis job queue (BullMQ) that any number of machines share. See the README's
 * "Many machines" section.
 */
import { parseArgs } from 'node:util';
import { DETECTORS, type DetectorKind } from '@g2rl/face';
import { formatQueueStatus, openJobQueue, readCompleteResult, startWorker, DEFAULT_QUEUE } from '@g2rl/queue';
import { analysisJobsFor, type AnalysisJob } from './analysis-jobs.js';
import { runAnalysisJob } from './analysis-worker.js';

export const QUEUE_USAGE = `g2rl-analyze queue — share the analysis of many videos and image folders between machines

  g2rl-analyze queue add <video|folder|image|glob|list.txt>… --redis URL --out DIR [analysis options]
  g2rl-analyze queue status       --redis URL [--json]
  g2rl-analyze queue retry-failed --redis URL
  g2rl-analyze queue drain        --redis URL          (removes the jobs not yet started)
  g2rl-analyze worker             --redis URL [--concurrency N] [--until-empty]

  --redis URL        redis://[:password@]host[:port][/db], or rediss:// for TLS (env G2RL_REDIS)
  --queue NAME       queue name (default ${DEFAULT_QUEUE})
  --out DIR          shared results folder: <name>.csv (or .jsonl) and <name>.json per input
  --attempts N       tries of a job that fails before it is failed for good (default 3)
  --lock-ms MS       a job whose worker stops renewing its lock for MS goes to another worker (default 30000)
  --format, --model, --detector, --min-quality, --max-faces, --backend: as for g2rl-analyze`;

class QueueUsageError extends Error {}

const positiveInt = (name: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new QueueUsageError(`--${name} must be an integer ≥ 1, got ${value}`);
  return n;
};

/** Runs a queue subcommand; returns the exit code (2 = usage). */
export async function queueMain(argv: string[], log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  const [command, ...rest] = argv;
  const sub = command === 'queue' ? rest[0] : 'worker';
  const args = command === 'queue' ? rest.slice(1) : rest;
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        redis: { type: 'string' }, queue: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' },
        model: { type: 'string' }, detector: { type: 'string' }, 'min-quality': { type: 'string' }, 'max-faces': { type: 'string' },
        backend: { type: 'string' }, attempts: { type: 'string' }, 'lock-ms': { type: 'string' }, concurrency: { type: 'string' },
        'until-empty': { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    log(`g2rl-analyze ${command}: ${(error as Error).message}\n\n${QUEUE_USAGE}`);
    return 2;
  }
  if (values.help || (command === 'queue' && !sub)) {
    console.log(QUEUE_USAGE);
    return values.help ? 0 : 2;
  }
  try {
    const redis = (values.redis as string | undefined) ?? process.env.G2RL_REDIS;
    if (!redis) throw new QueueUsageError('give --redis URL (or set G2RL_REDIS)');
    const name = (values.queue as string | undefined) ?? DEFAULT_QUEUE;
    if (sub === 'worker') {
      const worker = startWorker<AnalysisJob, unknown>(redis, async (job) => {
        log(`worker: ${job.data.kind} ${job.data.input} (attempt ${job.attempt})`);
        const { result, seconds } = await runAnalysisJob(job);
        log(`worker: ${job.data.input} → ${result} in ${seconds.toFixed(1)} s`);
        return result;
      }, {
        queue: name,
        concurrency: positiveInt('concurrency', values.concurrency as string | undefined, 1),
        lockDuration: positiveInt('lock-ms', values['lock-ms'] as string | undefined, 30_000),
        log,
      });
      const stop = async () => {
        log('worker: stopping after the jobs in progress');
        await worker.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      if (values['until-empty']) {
        await worker.idle();
        await worker.close();
      } else {
        await new Promise(() => undefined); // runs until a signal
      }
      return 0;
    }
    const queue = openJobQueue<AnalysisJob>(redis, name, { attempts: positiveInt('attempts', values.attempts as string | undefined, 3) });
    try {
      await queue.ready();
      switch (sub) {
        case 'add': {
          if (!values.out) throw new QueueUsageError('queue add: give --out DIR (a folder every worker can write)');
          if (positionals.length === 0) throw new QueueUsageError('queue add: give at least one video, folder, image, glob or list.txt');
          const format = (values.format as string | undefined) ?? 'csv';
          if (format !== 'csv' && format !== 'jsonl') throw new QueueUsageError(`--format must be csv or jsonl, got ${format}`);
          const detector = values.detector as string | undefined;
          if (detector !== undefined && !(DETECTORS as readonly string[]).includes(detector)) throw new QueueUsageError(`--detector must be one of ${DETECTORS.join(', ')}, got ${detector}`);
          const number = (flag: string) => (values[flag] === undefined ? undefined : Number(values[flag]));
          const specs = analysisJobsFor(positionals, values.out as string, format, {
            ...(values.model ? { model: values.model as string } : {}),
            ...(detector ? { detector: detector as DetectorKind } : {}),
            ...(values['min-quality'] !== undefined ? { minQuality: number('min-quality') } : {}),
            ...(values['max-faces'] !== undefined ? { maxFaces: number('max-faces') } : {}),
            ...(values.backend ? { backend: values.backend as string } : {}),
          });
          const { added, skipped } = await queue.add(specs, {
            skip: (spec) => readCompleteResult(spec.data.out, spec.data.name, spec.data.format)?.input === spec.data.input,
          });
          log(`queue ${name}: ${added.length} job(s) added, ${skipped.length} already queued or done`);
          return 0;
        }
        case 'status': {
          const status = await queue.status();
          console.log(values.json ? JSON.stringify(status, null, 2) : formatQueueStatus(status));
          return 0;
        }
        case 'retry-failed':
          log(`queue ${name}: ${await queue.retryFailed()} failed job(s) moved back to waiting`);
          return 0;
        case 'drain':
          log(`queue ${name}: ${await queue.drain()} waiting job(s) removed`);
          return 0;
        default:
          throw new QueueUsageError(`unknown queue command "${sub}" (add, status, retry-failed, drain)`);
      }
    } finally {
      await queue.close();
    }
  } catch (error) {
    if (error instanceof QueueUsageError) {
      log(`g2rl-analyze ${command}${command === 'queue' ? ` ${sub}` : ''}: ${error.message}`);
      return 2;
    }
    // an unreadable input or an unreachable Redis: one line, no stack
    log(`g2rl-analyze ${command}${command === 'queue' ? ` ${sub}` : ''}: ${(error as Error).message}`);
    return 1;
  }
}
