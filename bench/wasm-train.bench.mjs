#!/usr/bin/env node
// Data-parallel training on wasm (apps/trainer's ReplicaPool): images per second of the `demo`
// preset's training step (small backbone, batch 16, λ = 1e-4 after the projection warm-up),
// its geometry-pretraining step (batch 256) and evaluation's inference (batch 32), with 1
// replica (the plain G2RLTrainer step) and with 2 (two threads, one wasm instance each), side
// by side in one process. The modes alternate step by step, so that load from other processes
// falls on both alike; the median of each is reported, and the machine's load average. On a
// machine that other jobs share, wall times say little about what a second core gives; the
// process CPU time per step (all threads) says what the replicas cost in all: 2 replicas at
// about the CPU of 1 run close to 2× on two idle cores.
// Usage: node bench/wasm-train.bench.mjs [--steps N] [--ranks 2]
import { createRequire } from 'node:module';
import { loadavg, availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const trainerDir = join(here, '..', 'apps', 'trainer');
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const steps = option('--steps', 6);
const ranks = option('--ranks', 2);

const require = createRequire(join(trainerDir, 'package.json'));
const tf = require('@tensorflow/tfjs');
const { initBackend } = await import(join(here, '..', 'packages', 'backend', 'dist', 'index.js'));
const models = await import(join(here, '..', 'packages', 'models', 'dist', 'index.js'));
const trainerApp = await import(join(trainerDir, 'dist', 'index.js'));

await initBackend({ prefer: 'wasm', quiet: true });
const config = trainerApp.resolveConfig({ preset: 'demo' });
const AUS = 12;
const LANDMARKS = 68;
const load = () => loadavg().map((v) => v.toFixed(1)).join(' / ');
console.log(`wasm, ${availableParallelism()} cores, load average ${load()} (1 / 5 / 15 min) at the start`);

const single = trainerApp.createRunTrainer(config, AUS, LANDMARKS);
const pooled = trainerApp.createRunTrainer(config, AUS, LANDMARKS);
const started = performance.now();
const pool = await trainerApp.ReplicaPool.start({ ranks, config, aus: AUS, landmarks: LANDMARKS, backend: 'wasm', trainer: pooled });
await pool.load(pooled);
console.log(`pool of ${ranks} replicas started and loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Wall ms and process CPU ms (every thread) of one call. */
const timed = async (fn) => {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const used = process.cpuUsage(cpu);
  return { wall: performance.now() - t0, cpu: (used.user + used.system) / 1000 };
};

/** Alternates `one` and `many` for `n` rounds after a warm-up of each; medians in ms. */
async function sideBySide(n, one, many) {
  await one(-1);
  await many(-1);
  const a = [];
  const b = [];
  for (let i = 0; i < n; i++) {
    a.push(await timed(() => one(i)));
    b.push(await timed(() => many(i)));
  }
  const med = (xs, key) => median(xs.map((x) => x[key]));
  return { one: med(a, 'wall'), many: med(b, 'wall'), oneCpu: med(a, 'cpu'), manyCpu: med(b, 'cpu') };
}

const rows = [];
const report = (what, batch, { one, many, oneCpu, manyCpu }) => {
  rows.push({ what, batch, one, many, oneCpu, manyCpu });
  console.log(
    `${what.padEnd(26)} batch ${String(batch).padStart(3)}: 1 replica ${one.toFixed(0).padStart(5)} ms (${((1000 * batch) / one).toFixed(1).padStart(6)} images/s, CPU ${oneCpu.toFixed(0)} ms) | ` +
      `${ranks} replicas ${many.toFixed(0).padStart(5)} ms (${((1000 * batch) / many).toFixed(1).padStart(6)} images/s, CPU ${manyCpu.toFixed(0)} ms) | speed-up ${(one / many).toFixed(2)}×, CPU ×${(manyCpu / oneCpu).toFixed(2)}`,
  );
};

// Training step, as in epochs 2–3 of the demo (L_G reaches the backbone).
const trainBatches = Array.from({ length: 4 }, (_, i) => models.syntheticTrainingBatch(single.dims, config.train.batchSize, 100 + i));
single.applySchedule(1);
pooled.applySchedule(1);
report(
  'training step (demo)',
  config.train.batchSize,
  await sideBySide(
    steps,
    (i) => single.trainStep(trainBatches[(i + 4) % 4]),
    (i) => pool.trainStep(pooled, trainBatches[(i + 4) % 4]),
  ),
);

// Geometry pretraining step (batch 256, as geometry-pretraining.ts).
const geometry = models.syntheticTrainingBatch(single.dims, 256, 7);
const geometryBatch = { geometry: geometry.geometry, intensities: geometry.intensities, batchSize: 256 };
report(
  'geometry pretraining step',
  256,
  await sideBySide(
    steps,
    () => single.pretrainGeometryStep(geometryBatch),
    () => pool.pretrainStep(pooled, geometryBatch),
  ),
);

// Evaluation's inference (batch 32, as evaluate.ts).
const images = models.syntheticTrainingBatch(single.dims, 32, 9).images;
const predictor = pool.predictor(pooled);
report(
  'inference (evaluation)',
  32,
  await sideBySide(
    steps,
    () => single.predict(images, 32),
    () => predictor(images, 32),
  ),
);

await pool.close();
console.log(`load average ${load()} at the end`);
console.log(JSON.stringify({ backend: tf.getBackend(), ranks, steps, rows }));
single.dispose();
pooled.dispose();
