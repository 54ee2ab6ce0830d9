#!/usr/bin/env node
// @g2rl/heatmaps codec speed on the paper's shapes (64×64 heatmaps, σ = 2, DISFA's 12 AUs
// → K = 24, batch 16), beside a straightforward reference in the same run: the encoder
// evaluating exp at every pixel of every channel, the decoder scanning each channel with
// a stride. Usage: node bench/heatmaps.bench.mjs [--reps N] (imports packages/heatmaps/dist).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const hm = await import(join(here, '..', 'packages', 'heatmaps', 'dist', 'index.js'));

const repsArg = process.argv.indexOf('--reps');
const REPS = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 200;
const [B, H, W, A] = [16, 64, 64, hm.DISFA_AUS.length];
const K = 2 * A;
const SIGMA = 2;

let seed = 1;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const points = Array.from({ length: B }, () => Float32Array.from({ length: K * 2 }, () => random() * (H - 1)));
const intensities = Array.from({ length: B }, () => Float32Array.from({ length: A }, () => random() * 5));

function referenceEncode(p, intensity) {
  const out = new Float32Array(H * W * K);
  for (let k = 0; k < K; k++) {
    const amplitude = intensity[k >> 1];
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        const d2 = (j - p[2 * k]) ** 2 + (i - p[2 * k + 1]) ** 2;
        out[(i * W + j) * K + k] = amplitude * Math.exp(-d2 / (2 * SIGMA * SIGMA));
      }
    }
  }
  return out;
}

function referenceDecode(map) {
  const result = [];
  for (let k = 0; k < K; k++) {
    let best = -Infinity;
    let at = 0;
    for (let p = 0; p < H * W; p++) {
      if (map[p * K + k] > best) {
        best = map[p * K + k];
        at = p;
      }
    }
    result.push({ x: at % W, y: Math.floor(at / W), value: best });
  }
  return result;
}

/** Median wall time (ms) of f over REPS runs after one warm-up run. */
function time(f) {
  f();
  const ms = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(ms.length / 2)];
}

const options = { height: H, width: W, sigma: SIGMA };
const batchMaps = hm.encodeHeatmapsBatch(points, intensities, options).heatmaps;
const out = new Float32Array(B * H * W * K);
const rows = [
  ['encode 1 sample (reference, full map)', time(() => referenceEncode(points[0], intensities[0]))],
  ['encode 1 sample (encodeHeatmaps)', time(() => hm.encodeHeatmaps(points[0], intensities[0], options))],
  ['encode B=16 (encodeHeatmapsBatch)', time(() => hm.encodeHeatmapsBatch(points, intensities, options))],
  ['encode B=16 (encodeHeatmapsBatch, out reused)', time(() => hm.encodeHeatmapsBatch(points, intensities, { ...options, out }))],
  ['decode 1 sample (reference, strided argmax only)', time(() => referenceDecode(batchMaps.subarray(0, H * W * K)))],
  ['decode 1 sample (decodeHeatmaps)', time(() => hm.decodeHeatmaps(batchMaps.subarray(0, H * W * K), { ...options, channels: K }))],
  ['decode B=16 (decodeHeatmapsBatch)', time(() => hm.decodeHeatmapsBatch(batchMaps, { ...options, channels: K }))],
  ['auPoints 1 face, 12 AUs', time(() => hm.auPoints(hm.MEAN_FACE_IBUG68, hm.DISFA_AUS))],
];
console.log(`@g2rl/heatmaps, H=W=${H}, K=${K}, σ=${SIGMA}, median of ${REPS} runs`);
for (const [name, ms] of rows) console.log(`${name.padEnd(50)} ${ms.toFixed(3).padStart(8)} ms`);
