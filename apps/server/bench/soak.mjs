#!/usr/bin/env node
// `pnpm soak [--seconds 600] [--interval 10] [--warmup 60] [--connections 8]`: steady traffic
// (wrk, the request mix of request-mix.mjs without the 10 MiB body) against the real
// g2rl-serve, and every `interval` seconds from /metrics: the process RSS, the HTTP thread's
// V8 heap, the inference workers' V8 heap and their tfjs tensor count. After a warm-up (caches,
// JIT), fits a least-squares line to each (linearTrend) over the whole window and over its
// second half, and fails when the second half's slope is over its bound (per minute): RSS 4 MiB,
// either heap 1 MiB, tensors 0.5 (a leak of one tensor per request would be hundreds per minute),
// and the RSS less the workers' ArrayBuffers 4 MiB.
// Also sampled and printed, not judged, to say where the RSS is when it moves: the workers'
// ArrayBuffers (tensor values and pixels live outside the V8 heap), the native backend's free
// output buffers and its convolution plans' filter copies, the wasm memory, and from
// /proc/<pid>/smaps the anonymous memory, glibc's main heap and thread arenas, mapped files.
//
// Why the second half. The RSS rose 60–110 MiB in the first minutes of every run: the pools
// and caches filling (the native backend's free buffers, one convolution plan per layer and batch
// size) and glibc's arenas keeping what was freed. Two causes were fixed (3 Dec): the buffer
// pool kept free buffers for every length ever seen, and each plan held its own copy of its
// layer's reordered filters (69 MiB for 308 plans; now one copy per layer and layout, 10.5 MiB).
// The inference workers also set glibc's mmap threshold to 256 KiB, so freed buffers go back to
// the system instead of staying in the arenas (340–440 MiB of arenas → 60–90). Since then the
// RSS moves with the workers' live ArrayBuffers (± 40 MiB between samples), and "RSS − worker
// ArrayBuffers", judged with the same bound, is the part that would show the allocator or native
// code creeping. A 10-minute run's 5-minute second half is short for that swing: use
// --seconds 1500 or more for a verdict (apps/server/README.md, Reliability, measured).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { linearTrend } from '../dist/index.js';
import { metricValue, modelFolder, parseWrk, processMemory, startServe, stopServe } from './bench-support.mjs';
import { parseMix, writeRequestMix } from './request-mix.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: process.env.SOAK_SECONDS ?? '600' },
    interval: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '60' },
    connections: { type: 'string', default: '8' },
  },
});
const SECONDS = Number(values.seconds);
const INTERVAL = Number(values.interval);
const WARMUP = Number(values.warmup);
const CONNECTIONS = Number(values.connections);
for (const [name, v] of Object.entries({ seconds: SECONDS, interval: INTERVAL, warmup: WARMUP, connections: CONNECTIONS })) {
  if (!(Number.isFinite(v) && v >= 0)) throw new Error(`soak: --${name} must be a non-negative number, got ${values[name]}`);
}
if (SECONDS < 2 * INTERVAL) throw new Error(`soak: --seconds ${SECONDS} gives fewer than 3 samples at --interval ${INTERVAL}`);
const MiB = 1024 * 1024;
const SERIES = [
  { key: 'rss', metric: 'process_resident_memory_bytes', label: 'RSS', unit: 'MiB', scale: MiB, bound: 4 },
  { key: 'heap', metric: 'nodejs_heap_used_bytes', label: 'HTTP heap', unit: 'MiB', scale: MiB, bound: 1 },
  { key: 'workerHeap', metric: 'g2rl_worker_heap_bytes', label: 'worker heap', unit: 'MiB', scale: MiB, bound: 1 },
  { key: 'tensors', metric: 'g2rl_worker_tensors', label: 'worker tensors', unit: 'tensors', scale: 1, bound: 0.5 },
  // The RSS less the workers' live ArrayBuffers: what the allocator and native code hold. With
  // freed buffers unmapped, the RSS swings ± 40 MiB with the buffers in flight at the sampling
  // moment, which a 5-minute slope cannot tell from growth; this part does not swing.
  { key: 'rssOutside', derived: (p) => (p.external > 0 ? p.rss - p.external : NaN), // (0: the workers did not answer in time)
    label: 'RSS − worker ArrayBuffers', unit: 'MiB', scale: MiB, bound: 4 },
  // Reported, not judged: where the RSS is (see the header).
  { key: 'external', metric: 'g2rl_worker_external_bytes', label: 'worker ArrayBuffers', unit: 'MiB', scale: MiB },
  { key: 'pool', metric: 'g2rl_worker_pool_free_bytes', label: 'native pool free', unit: 'MiB', scale: MiB },
  { key: 'convFilters', metric: 'g2rl_worker_conv_filter_bytes', label: 'conv filters', unit: 'MiB', scale: MiB },
  { key: 'plans', metric: 'g2rl_worker_conv_plans', label: 'conv plans', unit: 'plans', scale: 1 },
  { key: 'wasm', metric: 'g2rl_worker_wasm_memory_bytes', label: 'wasm memory', unit: 'MiB', scale: MiB },
  { key: 'anon', proc: 'anon', label: 'anon', unit: 'MiB', scale: MiB },
  { key: 'brk', proc: 'brk', label: '[heap]', unit: 'MiB', scale: MiB },
  { key: 'arenas', proc: 'arenas', label: 'arenas', unit: 'MiB', scale: MiB },
  { key: 'file', proc: 'file', label: 'files', unit: 'MiB', scale: MiB },
];

const scratch = mkdtempSync(join(tmpdir(), 'g2rl-soak-'));
const model = await modelFolder();
const { script } = await writeRequestMix(scratch, { only: ['face-640.jpg', 'group-640.jpg', 'truncated.jpg', 'text.txt', 'gif.gif', 'empty.bin', 'bad-query.jpg', 'huge-30mp.png'] });
const serve = await startServe(['--model', model.dir]);
console.log(`soak: ${serve.url}, model ${model.what}, ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${SECONDS} s sampled every ${INTERVAL} s, load ${loadavg()[0].toFixed(1)}`);

const wrk = promisify(execFile)('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${WARMUP + SECONDS + 2}s`, '--timeout', '40s', '-s', script, `${serve.url}/v1/analyze`], { maxBuffer: 1 << 20 });
await new Promise((r) => setTimeout(r, WARMUP * 1000));
const samples = [];
const t0 = performance.now();
for (let i = 0; i * INTERVAL <= SECONDS; i++) {
  const due = t0 + i * INTERVAL * 1000;
  await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  const text = await (await fetch(`${serve.url}/metrics`)).text();
  const sample = { t: (performance.now() - t0) / 1000 };
  const map = processMemory(serve.child.pid);
  for (const s of SERIES) if (!s.derived) sample[s.key] = s.proc ? map[s.proc] : metricValue(text, s.metric);
  for (const s of SERIES) if (s.derived) sample[s.key] = s.derived(sample);
  samples.push(sample);
  console.log(`t ${sample.t.toFixed(0).padStart(4)} s  ${SERIES.map((s) => `${s.label} ${(sample[s.key] / s.scale).toFixed(s.scale === 1 ? 0 : 1)}`).join('  ')}  (load ${loadavg()[0].toFixed(1)})`);
}
const { stdout } = await wrk;
const exit = await stopServe(serve);
if (model.temporary) rmSync(model.dir, { recursive: true, force: true });
rmSync(scratch, { recursive: true, force: true });

const traffic = parseWrk(stdout, WARMUP + SECONDS + 2);
const mix = parseMix(stdout);
console.log(`traffic: ${traffic.rps.toFixed(1)} responses/s; statuses ${Object.entries(mix.counts).map(([s, n]) => `${s}: ${n}`).join(', ')}; socket errors ${traffic.errors}`);
const failures = [];
const slopeOf = (points, s) => linearTrend(points.map((p) => p.t / 60), points.map((p) => p[s.key] / s.scale)).slope;
const signed = (v) => `${v >= 0 ? '+' : ''}${v.toFixed(3)}`;
for (const s of SERIES) {
  const points = samples.filter((p) => Number.isFinite(p[s.key]));
  if (points.length < 6) { failures.push(`${s.label}: only ${points.length} samples`); continue; }
  // The bound applies to the second half of the window (see the header).
  const whole = slopeOf(points, s);
  const late = slopeOf(points.filter((p) => p.t >= SECONDS / 2), s);
  const first = points[0][s.key] / s.scale;
  const last = points.at(-1)[s.key] / s.scale;
  const ok = s.bound === undefined || late <= s.bound;
  console.log(`${s.label}: slope over the second half ${signed(late)} ${s.unit}/min (${s.bound === undefined ? 'not judged' : `bound ≤ ${s.bound}`}), over the whole window ${signed(whole)}; first ${first.toFixed(1)}, last ${last.toFixed(1)} ${s.unit}  ${ok ? 'ok' : 'OVER'}`);
  if (!ok) failures.push(`${s.label} grows ${late.toFixed(3)} ${s.unit}/min > ${s.bound} over the second half`);
}
if (traffic.errors > 0) failures.push(`${traffic.errors} socket errors or timeouts`);
if (exit !== 0) failures.push(`g2rl-serve exited with ${exit} after SIGTERM`);
console.log(failures.length ? `FAIL: ${failures.join('; ')}` : 'PASS');
process.exit(failures.length ? 1 : 0);
