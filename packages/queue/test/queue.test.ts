// The queue against a real redis-server (started here on a free port): worker processes that
// are SIGKILLed mid-job, Redis stopped and started again mid-run, a job that always fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJobQueue, readCompleteResult, startWorker, type JobQueue } from '../src/index.js';
import { startTestRedis, type TestRedis } from '../src/testing/redis-server.js';
// @ts-expect-error plain .mjs helper shared with the worker processes
import { toyBody } from './toy-job.mjs';

const here = dirname(fileURLToPath(import.meta.url));
interface Toy { name: string; seed: number; steps: number; stepMs: number; fail?: boolean }
const toys = (n: number, prefix: string, stepMs = 150): Toy[] => Array.from({ length: n }, (_, i) => ({ name: `${prefix}${String(i).padStart(2, '0')}`, seed: i * 7 + 1, steps: 8, stepMs }));

function spawnWorker(url: string, out: string, tag: string, env: Record<string, string> = {}): { child: ChildProcess; started: string[] } {
  const child = spawn(process.execPath, [join(here, 'toy-worker.mjs'), url, out, tag], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const started: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.startsWith('start ')) started.push(line.slice(6));
  });
  child.stderr!.resume();
  return { child, started };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const stopAll = async (children: ChildProcess[]) =>
  Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode ? undefined : new Promise<void>((resolve) => { c.once('exit', () => resolve()); c.kill('SIGTERM'); }))));

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.dispose();
});

function expectAllComplete(out: string, jobs: Toy[]): void {
  for (const job of jobs) {
    const meta = readCompleteResult(out, job.name, 'csv');
    expect(meta, `${job.name}: complete result`).toBeDefined();
    expect(readFileSync(join(out, `${job.name}.csv`), 'utf8')).toBe(toyBody(job));
  }
  const results = readdirSync(out).filter((f) => f.endsWith('.csv'));
  expect(results.sort()).toEqual(jobs.map((j) => `${j.name}.csv`).sort());
  expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
}

describe('queue on a real Redis', () => {
  it('3 worker processes, 12 jobs, one worker SIGKILLed mid-job: every result once, complete, as in one process', async () => {
    const out = mkdtempSync(join(tmpdir(), 'g2rl-queue-kill-'));
    const queue: JobQueue<Toy> = openJobQueue(redis.url, 'kill-test', { attempts: 2, backoffMs: 100 });
    const jobs = toys(12, 'k');
    const { added } = await queue.add(jobs.map((data) => ({ id: `kill-${data.name}`, name: data.name, data })));
    expect(added).toHaveLength(12);
    // a second add of the same inputs is a no-op while the jobs exist
    expect((await queue.add(jobs.map((data) => ({ id: `kill-${data.name}`, name: data.name, data })))).added).toEqual([]);
    const env = { TOY_QUEUE: 'kill-test' };
    const workers = ['a', 'b', 'c'].map((tag) => spawnWorker(redis.url, out, tag, env));
    await until(() => workers[0]!.started.length > 0, 20_000, 'worker a to take a job');
    const victim = workers[0]!.started.at(-1)!;
    await new Promise((r) => setTimeout(r, 300)); // mid-job: 8 steps × 150 ms
    workers[0]!.child.kill('SIGKILL');
    await until(async () => (await queue.status()).counts.completed === 12, 60_000, 'all 12 jobs to complete');
    expectAllComplete(out, jobs);
    const runs = readFileSync(join(out, 'runs.log'), 'utf8').trim().split('\n');
    expect(runs).toHaveLength(12); // no job finished twice; the victim's job was finished by another worker
    expect(runs.find((r) => r.startsWith(`${victim} `))).not.toMatch(/ a$/);
    await stopAll(workers.map((w) => w.child));
    await queue.close();
  }, 90_000);

  it('Redis stopped for 5 s mid-run and started again: workers reconnect and finish every job', async () => {
    const out = mkdtempSync(join(tmpdir(), 'g2rl-queue-restart-'));
    const queue: JobQueue<Toy> = openJobQueue(redis.url, 'restart-test');
    const jobs = toys(12, 'r', 100);
    await queue.add(jobs.map((data) => ({ id: `restart-${data.name}`, name: data.name, data })));
    // locks outlive the outage, so no job is taken from a worker that is still running it
    const workers = ['a', 'b', 'c'].map((tag) => spawnWorker(redis.url, out, tag, { TOY_QUEUE: 'restart-test', TOY_LOCK_MS: '15000' }));
    await until(() => workers.some((w) => w.started.length >= 2), 20_000, 'work to start');
    await redis.stop();
    await new Promise((r) => setTimeout(r, 5000));
    await redis.start();
    await until(async () => (await queue.status()).counts.completed === 12, 90_000, 'all 12 jobs to complete after the restart');
    expectAllComplete(out, jobs);
    await stopAll(workers.map((w) => w.child));
    await queue.close();
  }, 120_000);

  it('a job that always fails is failed with its reason after N attempts; the others complete; retry-failed and drain', async () => {
    const out = mkdtempSync(join(tmpdir(), 'g2rl-queue-fail-'));
    const queue: JobQueue<Toy> = openJobQueue(redis.url, 'fail-test', { attempts: 3, backoffMs: 50 });
    const jobs = toys(4, 'f', 10);
    jobs[1] = { ...jobs[1]!, fail: true };
    await queue.add(jobs.map((data) => ({ id: `fail-${data.name}`, name: data.name, data })));
    const lines: string[] = [];
    const worker = startWorker<Toy, string>(
      redis.url,
      async (job) => {
        const { runToyJob } = await import('./toy-job.mjs' as string);
        const body = await runToyJob(job.data, job.progress);
        const { publishResult } = await import('../src/index.js');
        await publishResult(out, job.data.name, 'csv', body, { input: job.data.name });
        return 'ok';
      },
      { queue: 'fail-test', log: (line) => lines.push(line) },
    );
    await until(async () => {
      const s = await queue.status();
      return s.counts.completed === 3 && s.counts.failed === 1;
    }, 30_000, '3 done and 1 failed');
    const status = await queue.status();
    expect(status.failed).toHaveLength(1);
    expect(status.failed[0]).toMatchObject({ name: 'f01', attemptsMade: 3, failedReason: 'toy job f01: asked to fail' });
    expect(lines.filter((l) => l.includes('f01'))).toHaveLength(3);
    expectAllComplete(out, jobs.filter((j) => !j.fail));
    await worker.close();
    // retry-failed puts it back (it fails again later: nothing runs it now); drain removes it
    expect(await queue.retryFailed()).toBe(1);
    expect((await queue.status()).counts.waiting).toBe(1);
    expect(await queue.drain()).toBe(1);
    expect((await queue.status()).counts).toMatchObject({ waiting: 0, failed: 0 });
    await queue.close();
  }, 60_000);
});
