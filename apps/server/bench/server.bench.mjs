#!/usr/bin/env node
// `pnpm bench:server`: requests/second and p50/p99 latency of POST /v1/analyze for a
// single-face 640×480 JPEG at concurrency 1, 8 and 32 (autocannon, loopback only), with the
// mean time per stage from /metrics. Reference in the same run: the same image through
// decode + face-api detect + landmarks in this process, no HTTP, no worker, no model.
//
// The model is runs/demo/model when `pnpm demo` has made one, else an untrained 'small'
// backbone exported to a temporary folder (same shapes and cost as a trained one).
// Each level sends max(12, 3 × concurrency) requests (detection takes ~0.3–1 s per image on
// a 2-core machine, so fixed durations would cut off the queued ones).
// Env: BENCH_LEVELS (default "1,8,32"), BENCH_DETECTOR ('ssd' default, or 'tiny'),
// BENCH_WORKERS (inference worker threads, default 1).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { createBackbone, exportInferenceModel } from '@g2rl/models';
import { DISFA_AUS } from '@g2rl/heatmaps';
import { ALIGNMENT_TEMPLATE, createFaceDetector, decodeImage, faceApiModelDir } from '@g2rl/face';
import { initBackend } from '@g2rl/backend';
import { createServer } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const DETECTOR = process.env.BENCH_DETECTOR ?? 'ssd';
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const LEVELS = (process.env.BENCH_LEVELS ?? '1,8,32').split(',').map(Number);
const STAGES = ['decode', 'detect', 'landmarks', 'align', 'model', 'postprocess'];

/** One face, 640×480: a crop of face-api's demo photo sample1.jpg around its first face. */
async function singleFaceJpeg() {
  const demo = join(faceApiModelDir(), '..', 'demo', 'sample1.jpg');
  // face 1 of sample1 is at about (414, 354) size 177 in the 1920×1280 original
  return sharp(demo).extract({ left: 180, top: 200, width: 640, height: 480 }).jpeg({ quality: 90 }).toBuffer();
}

async function modelFolder() {
  const demo = resolve(here, '..', '..', '..', 'runs', 'demo', 'model');
  if (existsSync(join(demo, 'model.json'))) return { dir: demo, temporary: false, what: `runs/demo/model` };
  const dir = mkdtempSync(join(tmpdir(), 'g2rl-bench-model-'));
  const backbone = createBackbone('small', { keypoints: 2 * DISFA_AUS.length });
  const [, S] = backbone.inputs[0].shape;
  const [, H] = backbone.outputs[backbone.outputs.length - 1].shape;
  await exportInferenceModel(backbone, dir, {
    preset: 'small', aus: DISFA_AUS, scheme: 'ibug68',
    input: { size: S, range: [0, 1] }, heatmap: { size: H, sigma: (2 * H) / 64, normalization: 'peak' },
    alignment: { template: ALIGNMENT_TEMPLATE, size: S },
  });
  backbone.dispose();
  return { dir, temporary: true, what: `untrained 'small' backbone (${S}×${S} → ${H}×${H}×${2 * DISFA_AUS.length})` };
}

/** Σ and count per stage from the Prometheus text. */
function stageTotals(text) {
  const out = {};
  for (const stage of STAGES) {
    const sum = Number(new RegExp(`g2rl_stage_duration_seconds_sum\\{stage="${stage}"\\} (\\S+)`).exec(text)?.[1] ?? 0);
    const count = Number(new RegExp(`g2rl_stage_duration_seconds_count\\{stage="${stage}"\\} (\\S+)`).exec(text)?.[1] ?? 0);
    out[stage] = { sum, count };
  }
  const batchSum = Number(/g2rl_batch_images_sum (\S+)/.exec(text)?.[1] ?? 0);
  const batchCount = Number(/g2rl_batch_images_count (\S+)/.exec(text)?.[1] ?? 0);
  return { stages: out, batchSum, batchCount };
}

async function reference(jpeg, runs) {
  const detector = await createFaceDetector({ detector: DETECTOR });
  const times = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    const image = await decodeImage(jpeg);
    const faces = await detector.detect(image);
    if (i >= 2) times.push(performance.now() - t0);
    if (faces.length !== 1) throw new Error(`reference: expected 1 face in the bench image, found ${faces.length}`);
  }
  times.sort((a, b) => a - b);
  return { mean: times.reduce((a, b) => a + b, 0) / times.length, p50: times[Math.floor(times.length / 2)], tensors: tf.memory().numTensors };
}

// This process builds the temporary model and runs the reference; the server has its own worker.
await initBackend({ prefer: 'wasm', quiet: true });
const jpeg = await singleFaceJpeg();
const model = await modelFolder();
const server = await createServer({ modelDir: model.dir, host: '127.0.0.1', port: 0, maxQueue: 256, timeoutMs: 120_000, detector: DETECTOR, workers: WORKERS });
const url = await server.listen();
if (!/^http:\/\/127\.0\.0\.1:/.test(url)) throw new Error(`bench must run on loopback, got ${url}`);
await server.pool.ready;
console.log(`server.bench: ${url}, model ${model.what}, backend ${server.pool.backend}, detector ${DETECTOR}, workers ${WORKERS}, image 640×480 JPEG ${jpeg.length} bytes`);

// warm-up, and check that the image has exactly one face
const warm = await (await fetch(`${url}/v1/analyze`, { method: 'POST', body: jpeg, headers: { 'content-type': 'image/jpeg' } })).json();
if (warm.faces?.length !== 1) throw new Error(`the bench image should have one face, the server found ${warm.faces?.length}: ${JSON.stringify(warm).slice(0, 300)}`);

const rows = [];
for (const connections of LEVELS) {
  const before = stageTotals(await (await fetch(`${url}/metrics`)).text());
  const result = await autocannon({
    url: `${url}/v1/analyze`,
    method: 'POST',
    headers: { 'content-type': 'image/jpeg' },
    body: jpeg,
    connections,
    amount: Math.max(12, 3 * connections),
    timeout: 120,
  });
  const after = stageTotals(await (await fetch(`${url}/metrics`)).text());
  const stageMs = Object.fromEntries(STAGES.map((s) => {
    const dSum = after.stages[s].sum - before.stages[s].sum;
    const dCount = after.stages[s].count - before.stages[s].count;
    return [s, dCount > 0 ? (1000 * dSum) / dCount : NaN];
  }));
  const meanBatch = (after.batchSum - before.batchSum) / Math.max(1, after.batchCount - before.batchCount);
  rows.push({
    connections,
    requests: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    meanBatch,
    stageMs,
  });
}

const ref = await reference(jpeg, 10);
await server.close();
if (model.temporary) rmSync(model.dir, { recursive: true, force: true });

const f = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '–');
console.log('\nPOST /v1/analyze, single-face 640×480 JPEG (stage times: mean ms per image; model/postprocess per worker batch)');
console.log(['conc', 'req', '2xx', 'non2xx', 'req/s', 'p50 ms', 'p99 ms', 'imgs/batch', ...STAGES].map((h) => h.padStart(12)).join(''));
for (const r of rows) {
  console.log([r.connections, r.requests, r.ok, r.non2xx, f(r.rps, 2), r.p50, r.p99, f(r.meanBatch, 2), ...STAGES.map((s) => f(r.stageMs[s]))].map((v) => String(v).padStart(12)).join(''));
}
console.log(`reference (same process, no HTTP/worker/model): decode + detect + landmarks mean ${f(ref.mean)} ms, p50 ${f(ref.p50)} ms → ${f(1000 / ref.mean, 2)} images/s on one thread`);
