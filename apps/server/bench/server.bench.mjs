#!/usr/bin/env node
// `pnpm bench:server`, side by side in one run:
//  1. served: POST /v1/analyze with one single-face 640×480 JPEG at concurrency 8 (wrk, or
//     autocannon without it; loopback): requests/s, errors, p50/p99 latency — the server with its default workers;
//  2. in-process: @g2rl/analyzer alone on all cores (one worker thread per core, the server's
//     plan) on the same bytes, images/s, and served ÷ in-process;
//  3. per stage (decode, detect, landmarks, align, model, postprocess = decode heatmaps): ms per
//     image on one thread, native and wasm;
//  4. the detector's convolutions: GFLOP/s achieved (tf.profile kernel times, FLOPs from their
//     shapes) against this CPU's fp32 FMA peak measured here (1 thread and all cores).
// Measurements 1 and 2 alternate BENCH_REPS times (default 3) so both sample the same load;
// each also reports the CPU time of this process per image, which other programs’ load does not move.
// The model is runs/demo/model when `pnpm demo` has made one, else an untrained 'small'
// backbone exported to a temporary folder (same shapes and cost as a trained one).
// Env: BENCH_REPS, BENCH_SECONDS (per measurement, default 15), BENCH_CONNECTIONS (default 8),
// BENCH_DETECTOR (default @g2rl/face's), BENCH_WORKERS (default the server's plan).
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import autocannon from 'autocannon';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { createFaceDetector, decodeImage, faceApiModelDir, nodeDefaultDetector } from '@g2rl/face';
import { initBackend } from '@g2rl/backend';
import { createServer } from '../dist/index.js';
import { modelFolder, parseWrk } from './bench-support.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const CORES = availableParallelism();
const REPS = Number(process.env.BENCH_REPS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const DETECTOR = process.env.BENCH_DETECTOR ?? nodeDefaultDetector();
const WORKERS = process.env.BENCH_WORKERS ? Number(process.env.BENCH_WORKERS) : undefined;
const STAGES = ['decode', 'detect', 'landmarks', 'align', 'model', 'postprocess'];
const loadNative = () => import('@g2rl/backend-native');

const execFileAsync = promisify(execFile);
const WRK = spawnSync('wrk', ['--version'], { encoding: 'utf8' }).error === undefined;
const scratch = mkdtempSync(join(tmpdir(), 'g2rl-bench-'));
const median = (values) => { const s = [...values].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const f = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '–');
const load = () => loadavg()[0].toFixed(1);

/** One face, 640×480: a crop of face-api's demo photo sample1.jpg around its first face. */
async function singleFaceJpeg() {
  const demo = join(faceApiModelDir(), '..', 'demo', 'sample1.jpg');
  return sharp(demo).extract({ left: 180, top: 200, width: 640, height: 480 }).jpeg({ quality: 90 }).toBuffer();
}

/**
 * CPU time of this process (all its threads: HTTP, inference workers, V8's and libuv's
 * helpers), ms. Per image, unlike throughput, it barely moves with other programs' load, so its
 * ratio says what serving costs even on a shared machine (wrk's own CPU is not in it).
 */
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

/** @g2rl/analyzer in `workers` threads at once for SECONDS: images/s in total and mean stage ms. */
async function inProcess({ modelDir, backend, workers, threads, jpeg, seconds = SECONDS }) {
  const pool = Array.from({ length: workers }, () => new Worker(join(here, 'analyzer-worker.mjs'), {
    workerData: { modelDir, backend, threads, detector: DETECTOR, jpeg, milliseconds: seconds * 1000 },
  }));
  const ready = pool.map((w) => new Promise((res, rej) => { w.once('message', res); w.once('error', rej); }));
  await Promise.all(ready);
  const cpu0 = cpuMs();
  const done = pool.map((w) => new Promise((res, rej) => { w.once('message', res); w.once('error', rej); }));
  const begin = Date.now() + 50;
  for (const w of pool) w.postMessage(begin);
  const results = await Promise.all(done);
  const cpu = cpuMs() - cpu0;
  await Promise.all(pool.map((w) => w.terminate()));
  const images = results.reduce((a, r) => a + r.images, 0);
  const stageMs = Object.fromEntries(STAGES.map((s) => [s, results.reduce((a, r) => a + (r.sums[s] ?? 0), 0) / images]));
  return { imagesPerSecond: results.reduce((a, r) => a + r.images / r.seconds, 0), stageMs, backend: results[0].backend, images, cpuMsPerImage: cpu / images };
}

/**
 * POST the JPEG at CONNECTIONS for SECONDS. wrk (C, one thread) when installed: the load
 * generator shares the 2 cores with the server, and autocannon (JS, in this process) took
 * noticeably more of them.
 */
async function served(url, jpeg) {
  if (WRK) {
    const script = join(scratch, 'post.lua');
    writeFileSync(join(scratch, 'face.jpg'), jpeg);
    writeFileSync(script, `local f = io.open(${JSON.stringify(join(scratch, 'face.jpg'))}, "rb"); wrk.body = f:read("*all"); f:close()\nwrk.method = "POST"; wrk.headers["Content-Type"] = "image/jpeg"\n`);
    // (asynchronously: this thread is the server's HTTP thread)
    const { stdout } = await execFileAsync('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--timeout', '30s', '--latency', '-s', script, `${url}/v1/analyze`]);
    return parseWrk(stdout, SECONDS);
  }
  const result = await autocannon({
    url: `${url}/v1/analyze`, method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: jpeg,
    connections: CONNECTIONS, duration: SECONDS, timeout: 30,
  });
  return { rps: result.requests.total / SECONDS, ok: result['2xx'], non2xx: result.non2xx, errors: result.errors + result.timeouts, p50: result.latency.p50, p99: result.latency.p99 };
}

/** FLOPs of one convolution kernel from its tf.profile record (multiply-add = 2). */
function convFlops(kernel) {
  const dense = kernel.name === 'Conv2D' || kernel.name === 'FusedConv2D';
  const depthwise = kernel.name === 'DepthwiseConv2dNative' || kernel.name === 'FusedDepthwiseConv2D';
  if (!dense && !depthwise) return 0;
  const out = kernel.outputShapes[0].reduce((a, b) => a * b, 1);
  const [kh, kw, cin] = kernel.inputShapes[1];
  return dense ? 2 * out * kh * kw * cin : 2 * out * kh * kw;
}

/** The detector's convolutions on native, one thread (a server worker's share): GFLOP/s over their kernel time. */
async function detectorConvThroughput(image) {
  await initBackend({ prefer: 'native', quiet: true, loaders: { native: loadNative } });
  const { loadAddon, measurePeaks } = await loadNative();
  const addon = loadAddon().addon;
  addon.setThreads(1);
  const detector = await createFaceDetector({ detector: DETECTOR });
  for (let i = 0; i < 5; i++) await detector.detectBoxes(image);
  const runs = [];
  for (let i = 0; i < 10; i++) {
    const profile = await tf.profile(() => detector.detectBoxes(image));
    const convs = profile.kernels.filter((k) => convFlops(k) > 0);
    const flops = convs.reduce((a, k) => a + convFlops(k), 0);
    const ms = convs.reduce((a, k) => a + k.kernelTimeMs, 0);
    // (graph models record fused ops twice: as `…__op` around their kernel)
    const allMs = profile.kernels.filter((k) => !k.name.endsWith('__op')).reduce((a, k) => a + k.kernelTimeMs, 0);
    runs.push({ gflops: flops / ms / 1e6, flops, ms, allMs });
  }
  const best = [...runs].sort((a, b) => b.gflops - a.gflops)[0];
  const { fp32 } = measurePeaks(addon, CORES);
  if (fp32.reason) throw new Error(`fp32 peak: ${fp32.reason}`);
  addon.setThreads(CORES);
  return { median: median(runs.map((r) => r.gflops)), best: best.gflops, gflop: best.flops / 1e9, convMs: median(runs.map((r) => r.ms)), kernelMs: median(runs.map((r) => r.allMs)), peak1: fp32.one, peakAll: fp32.all, isa: fp32.isa };
}

// This thread only builds the temporary model and, after the served runs, profiles the detector.
await initBackend({ prefer: 'auto', quiet: true, loaders: { native: loadNative } });
const jpeg = await singleFaceJpeg();
const image = await decodeImage(jpeg);
const model = await modelFolder();
const server = await createServer({ modelDir: model.dir, host: '127.0.0.1', port: 0, maxQueue: 256, timeoutMs: 30_000, detector: DETECTOR, workers: WORKERS });
const url = await server.listen();
if (!/^http:\/\/127\.0\.0\.1:/.test(url)) throw new Error(`bench must run on loopback, got ${url}`);
await server.pool.ready;
const plan = { workers: server.options.workers, threads: server.options.threads };
console.log(`server.bench: ${url}, model ${model.what}, backend ${server.pool.backend}, detector ${DETECTOR}, ${plan.workers} workers × ${plan.threads} thread(s) on ${CORES} cores, image 640×480 JPEG ${jpeg.length} bytes, ${CONNECTIONS} connections (${WRK ? 'wrk' : 'autocannon'}), ${SECONDS} s per measurement, load ${load()}`);
const warm = await (await fetch(`${url}/v1/analyze`, { method: 'POST', body: jpeg, headers: { 'content-type': 'image/jpeg' } })).json();
if (warm.faces?.length !== 1) throw new Error(`the bench image should have one face, the server found ${warm.faces?.length}: ${JSON.stringify(warm).slice(0, 300)}`);
await autocannon({ url: `${url}/v1/analyze`, method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: jpeg, connections: CONNECTIONS, duration: 3 });

const reps = [];
for (let r = 0; r < REPS; r++) {
  const loadBefore = load();
  let cpu0 = cpuMs();
  const http = await served(url, jpeg);
  const servedCpu = (cpuMs() - cpu0) / (http.ok + http.non2xx);
  const local = await inProcess({ modelDir: model.dir, backend: server.pool.backend, workers: plan.workers, threads: plan.threads, jpeg });
  const localCpu = local.cpuMsPerImage;
  reps.push({ ...http, inProcess: local.imagesPerSecond, ratio: http.rps / local.imagesPerSecond, servedCpu, localCpu, load: loadBefore });
  console.log(`  rep ${r + 1}: served ${f(http.rps, 2)} req/s (2xx ${http.ok}, non-2xx ${http.non2xx}, errors ${http.errors}, p50 ${http.p50} ms, p99 ${http.p99} ms, ${f(servedCpu)} CPU ms/image) | in-process ${f(local.imagesPerSecond, 2)} images/s (${f(localCpu)} CPU ms/image) | ratio ${f(http.rps / local.imagesPerSecond, 2)} | load ${loadBefore}`);
}
await server.close();

const stages = {};
for (const backend of ['native', 'wasm']) {
  try {
    stages[backend] = await inProcess({ modelDir: model.dir, backend, workers: 1, threads: 1, jpeg, seconds: Math.max(5, SECONDS / 2) });
  } catch (error) {
    stages[backend] = { error: error.message };
  }
}
const conv = await detectorConvThroughput(image);
if (model.temporary) rmSync(model.dir, { recursive: true, force: true });
rmSync(scratch, { recursive: true, force: true });

console.log(`\n1–2. Served vs in-process (${plan.workers} workers × ${plan.threads} thread(s), backend ${server.pool.backend}, detector ${DETECTOR}); targets ≥ 30 req/s, 0 errors, ratio ≥ 0.8`);
console.log(['rep', 'req/s', '2xx', 'non-2xx', 'errors', 'p50 ms', 'p99 ms', 'in-proc img/s', 'ratio', 'CPU ms served', 'CPU ms in-proc', 'CPU ratio', 'load'].map((h) => h.padStart(15)).join(''));
reps.forEach((r, i) => console.log([i + 1, f(r.rps, 2), r.ok, r.non2xx, r.errors, r.p50, r.p99, f(r.inProcess, 2), f(r.ratio, 2), f(r.servedCpu), f(r.localCpu), f(r.localCpu / r.servedCpu, 2), r.load].map((v) => String(v).padStart(15)).join('')));
console.log(['median', f(median(reps.map((r) => r.rps)), 2), '', '', '', '', f(median(reps.map((r) => r.p99)), 0), f(median(reps.map((r) => r.inProcess)), 2), f(median(reps.map((r) => r.ratio)), 2), f(median(reps.map((r) => r.servedCpu))), f(median(reps.map((r) => r.localCpu))), f(median(reps.map((r) => r.localCpu / r.servedCpu)), 2), ''].map((v) => String(v).padStart(15)).join(''));
console.log('   (ratio = served req/s ÷ in-process images/s; CPU ratio = in-process ÷ served CPU ms per image, this process only: the load-independent cost of serving)');

console.log(`\n3. Per stage, ms per image, one image at a time on one thread (detector ${DETECTOR}; postprocess = decode heatmaps)`);
console.log(['backend', ...STAGES, 'total', 'images/s'].map((h) => h.padStart(12)).join(''));
for (const [backend, s] of Object.entries(stages)) {
  if (s.error) { console.log(`${backend.padStart(12)}  unavailable: ${s.error}`); continue; }
  const total = STAGES.reduce((a, k) => a + s.stageMs[k], 0);
  console.log([s.backend, ...STAGES.map((k) => f(s.stageMs[k])), f(total), f(s.imagesPerSecond, 1)].map((v) => String(v).padStart(12)).join(''));
}

console.log(`\n4. Detector ${DETECTOR} convolutions on native, one thread: ${f(conv.gflop, 3)} GFLOP per 640×480 frame in ${f(conv.convMs)} ms of ${f(conv.kernelMs)} ms of kernels → ${f(conv.median)} GFLOP/s (best ${f(conv.best)})`);
console.log(`   measured fp32 FMA peak (${conv.isa}): ${f(conv.peak1)} GFLOP/s on 1 thread, ${f(conv.peakAll)} on ${CORES} → the convolutions reach ${f((100 * conv.median) / conv.peak1)} % of one core's peak`);
