#!/usr/bin/env node
// The Redis job queue (`g2rl-analyze queue` / `worker`, @g2rl/queue) against the same work
// without it, in one run, on a private redis-server:
//  - reference A: one process, one analyzer, every input in turn (the least work possible);
//  - reference B: `g2rl-analyze <input> --out …` once per input, one after the other (what a
//    queue worker runs per job, without the queue);
//  - the queue with 1 and with 2 workers: wall time from `queue add` to the last result.
// Queue overhead per job = (1 worker − reference B) / jobs; the cost of a job's own process
// (model load) = (B − A) / jobs. Redis memory: INFO used_memory before adding, after adding
// and after all jobs completed (BullMQ keeps completed jobs for a week: `removeOnComplete`).
// Usage: node bench/queue.bench.mjs [--jobs N] [--images M] (needs redis-server; dist/ built).
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const CLI = join(root, 'packages', 'analyzer', 'dist', 'cli.js');
const { startTestRedis } = await import(join(root, 'packages', 'queue', 'dist', 'testing.js'));
const { openJobQueue } = await import(join(root, 'packages', 'queue', 'dist', 'index.js'));
const analyzerPkg = await import(join(root, 'packages', 'analyzer', 'dist', 'node.js'));
const { faceApiModelDir } = await import(join(root, 'packages', 'face', 'dist', 'index.js'));

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const JOBS = arg('jobs', 8);
const IMAGES = arg('images', 6);

// Inputs: JOBS folders of IMAGES real photos (face-api's demo photos, cycled).
const photos = [1, 2, 3, 4, 5, 6].map((i) => join(faceApiModelDir(), '..', 'demo', `sample${i}.jpg`));
const work = mkdtempSync(join(tmpdir(), 'g2rl-queue-bench-'));
const inputs = [];
for (let j = 0; j < JOBS; j++) {
  const dir = join(work, `folder${String(j).padStart(2, '0')}`);
  mkdirSync(dir);
  for (let i = 0; i < IMAGES; i++) copyFileSync(photos[(i + j) % photos.length], join(dir, `img${i}.jpg`));
  inputs.push(dir);
}
const env = { ...process.env, G2RL_TFJS_WARNINGS: '' };
const seconds = (t0) => (performance.now() - t0) / 1000;

// Reference A: one analyzer, every folder in turn.
let t0 = performance.now();
{
  const analyzer = await analyzerPkg.createAnalyzer();
  const { readdirSync } = await import('node:fs');
  for (const dir of inputs) for (const f of readdirSync(dir).sort()) await analyzer.analyzeBatch([join(dir, f)]);
  analyzer.dispose();
}
const inProcess = seconds(t0);
const backend = (await analyzerPkg.createAnalyzer().then((a) => (a.dispose(), a.backend)));

// Reference B: the CLI once per input.
t0 = performance.now();
for (const dir of inputs) {
  const r = spawnSync(process.execPath, [CLI, dir, '--out', join(work, `direct-${dir.split('/').pop()}.csv`), '--quiet'], { env });
  if (r.status !== 0) throw new Error(`g2rl-analyze ${dir}: ${r.stderr}`);
}
const perProcess = seconds(t0);

const redis = await startTestRedis();
const usedMemory = () => {
  const info = spawnSync('redis-cli', ['-p', String(redis.port), 'info', 'memory'], { encoding: 'utf8' }).stdout;
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
};

async function viaQueue(workers, queueName) {
  const out = join(work, `out-${queueName}`);
  const memBefore = usedMemory();
  const t = performance.now();
  const add = spawnSync(process.execPath, [CLI, 'queue', 'add', ...inputs, '--out', out, '--redis', redis.url, '--queue', queueName], { env, encoding: 'utf8' });
  if (add.status !== 0) throw new Error(add.stderr);
  const memAdded = usedMemory();
  const procs = Array.from({ length: workers }, () => spawn(process.execPath, [CLI, 'worker', '--redis', redis.url, '--queue', queueName, '--until-empty'], { env, stdio: 'ignore' }));
  // the clock stops at the last result, not when the workers have finished shutting down
  const queue = openJobQueue(redis.url, queueName);
  while ((await queue.status()).counts.completed < JOBS) await new Promise((r) => setTimeout(r, 100));
  const wall = seconds(t);
  await queue.close();
  await Promise.all(procs.map((p) => new Promise((r) => p.on('exit', r))));
  const memDone = usedMemory();
  // the queue's results must be the direct ones
  for (const dir of inputs) {
    const name = dir.split('/').pop();
    if (readFileSync(join(out, `${name}.csv`), 'utf8') !== readFileSync(join(work, `direct-${name}.csv`), 'utf8')) throw new Error(`${name}: queue result differs from the direct run`);
  }
  return { wall, memBefore, memAdded, memDone };
}

const one = await viaQueue(1, 'bench-1');
const two = await viaQueue(2, 'bench-2');
const q = openJobQueue(redis.url, 'bench-2');
const counts = (await q.status()).counts;
await q.close();
await redis.dispose();
rmSync(work, { recursive: true, force: true });

const f = (v, d = 2) => v.toFixed(d);
console.log(`queue bench: ${JOBS} jobs × ${IMAGES} photos (face-api demo photos), backend ${backend}, 2 cores`);
console.log('| path | wall s | jobs/min | s per job |');
console.log('| --- | --- | --- | --- |');
for (const [name, s] of [['A: one process, one analyzer (reference)', inProcess], ['B: g2rl-analyze once per input (reference)', perProcess], ['queue, 1 worker', one.wall], ['queue, 2 workers', two.wall]]) {
  console.log(`| ${name} | ${f(s)} | ${f((JOBS / s) * 60, 1)} | ${f(s / JOBS)} |`);
}
console.log(`queue overhead per job (1 worker − B): ${f((one.wall - perProcess) / JOBS, 3)} s = ${f(((one.wall - perProcess) / perProcess) * 100, 1)} % of B`);
console.log(`a job's own process (model load etc., B − A): ${f((perProcess - inProcess) / JOBS, 3)} s per job = ${f(((perProcess - inProcess) / inProcess) * 100, 1)} % of A`);
console.log(`2 workers vs 1: ×${f(one.wall / two.wall)} (2 cores; each worker's tfjs backend already uses both)`);
console.log(`Redis memory per queued job: ${f((one.memAdded - one.memBefore) / JOBS / 1024, 1)} KiB; per completed job kept: ${f((one.memDone - one.memBefore) / JOBS / 1024, 1)} KiB (completed ${counts.completed})`);
