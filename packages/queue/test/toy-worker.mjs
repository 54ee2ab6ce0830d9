// A worker process for the queue tests: `node toy-worker.mjs <redis-url> <out-dir> <tag>`.
// Prints "start <job name>" when it takes a job, so a test knows when to kill it.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { publishResult, startWorker } from '../dist/index.js';
import { runToyJob } from './toy-job.mjs';

const [url, out, tag] = process.argv.slice(2);
const worker = startWorker(
  url,
  async (job) => {
    process.stdout.write(`start ${job.data.name}\n`);
    const body = await runToyJob(job.data, (p) => job.progress(p));
    await publishResult(out, job.data.name, 'csv', body, { input: job.data.name, worker: tag, attempt: job.attempt });
    // one line per completed run: the test counts these to see that nothing ran twice to the end
    appendFileSync(join(out, 'runs.log'), `${job.data.name} ${tag}\n`);
    return 'ok';
  },
  { queue: process.env.TOY_QUEUE, lockDuration: Number(process.env.TOY_LOCK_MS ?? 1500), stalledInterval: 500, maxStalledCount: 3, log: (line) => process.stderr.write(`${line}\n`) },
);
process.on('SIGTERM', async () => {
  await worker.close();
  process.exit(0);
});
