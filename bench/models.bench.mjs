#!/usr/bin/env node
// @g2rl/models presets on the backend initBackend chooses (and on wasm explicitly):
// forward and training-step ms per image, achieved GFLOP/s (from modelCost's FLOP count),
// peak memory; the `small` preset beside the same network in PyTorch (bench/torch_small.py,
// Debian's python3-torch, 2 threads), timed in the same run, and the ratio. With --profile
// (default on for small/wasm) the per-kernel time of one small training step.
//
// Also: the geometry encoder's static vs dynamic adjacency, measured (accuracy and speed).
// Usage: node bench/models.bench.mjs [--presets small,paper] [--iterations N] [--no-torch] [--no-profile] [--no-adjacency]
// Each (backend, preset) runs in its own process so that peak RSS is its own.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const modelsPackage = join(here, '..', 'packages', 'models');
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : fallback;
};

// Batch and iterations per preset: `paper` is ~35× the FLOPs of `small`, so fewer.
const SETTINGS = {
  small: { batch: 16, iterations: Number(option('--iterations', 3)) },
  paper: { batch: 2, iterations: 1 },
};

if (argv[0] === '--worker') {
  await worker(argv[1], argv[2], argv.includes('--profile'));
} else if (argv[0] === '--adjacency-worker') {
  await adjacencyWorker(argv[1], Number(argv[2] ?? 3e-3));
} else {
  await main();
}

async function worker(prefer, preset, profile) {
  const require = createRequire(join(modelsPackage, 'package.json'));
  const tf = require('@tensorflow/tfjs');
  const { initBackend } = await import(join(here, '..', 'packages', 'backend', 'dist', 'index.js'));
  const models = await import(join(modelsPackage, 'dist', 'index.js'));
  const chosen = await initBackend({ prefer, quiet: true });
  const { batch, iterations } = SETTINGS[preset];
  let peakRss = process.memoryUsage().rss;
  let peakTensorBytes = 0;
  const sample = () => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    peakTensorBytes = Math.max(peakTensorBytes, tf.memory().numBytes);
  };
  const time = async (fn) => {
    await fn(); // warm-up: kernels compiled, optimizer slots created
    sample();
    const start = performance.now();
    for (let i = 0; i < iterations; i++) {
      await fn();
      sample();
    }
    return (performance.now() - start) / iterations;
  };

  // λ = 0: the backbone alone with the heatmap MSE and Adam, what torch_small.py runs.
  const trainer = new models.G2RLTrainer({ backbone: preset, aus: 12, lambda: 0, seed: 1 });
  const cost = models.modelCost(trainer.backbone);
  const data = models.syntheticTrainingBatch(trainer.dims, batch, 1);
  data.weights.fill(1); // every channel counts, as in a plain MSE
  const forwardMs = await time(() => trainer.predict(data.images, batch));
  // The plain step (λ = 0) and the full G2RL step (λ = 0.1: frozen geometry encoder, W,
  // L_G) alternate, so that load from other processes falls on both alike.
  const timedStep = async (lambda) => {
    trainer.lambda = lambda;
    const start = performance.now();
    await trainer.trainStep(data);
    sample();
    return performance.now() - start;
  };
  await timedStep(0); // warm-up
  await timedStep(0.1);
  let trainMs = 0;
  let g2rlMs = 0;
  for (let i = 0; i < iterations; i++) {
    trainMs += (await timedStep(0)) / iterations;
    g2rlMs += (await timedStep(0.1)) / iterations;
  }
  trainer.lambda = 0;

  let kernels = null;
  if (profile) {
    const info = await tf.profile(async () => {
      await trainer.trainStep(data);
    });
    const byName = new Map();
    for (const k of info.kernels) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      const entry = byName.get(k.name) ?? { name: k.name, ms: 0, calls: 0 };
      entry.ms += ms;
      entry.calls += 1;
      byName.set(k.name, entry);
    }
    kernels = [...byName.values()].sort((a, b) => b.ms - a.ms);
  }
  trainer.dispose();
  console.log(
    JSON.stringify({
      backend: chosen.name,
      preset,
      batch,
      iterations,
      params: cost.params,
      flops: cost.flops,
      trainingFlops: cost.trainingFlops,
      forwardMsPerImage: forwardMs / batch,
      trainMsPerImage: trainMs / batch,
      g2rlTrainMsPerImage: g2rlMs / batch,
      peakRssMB: peakRss / 2 ** 20,
      peakTensorMB: peakTensorBytes / 2 ** 20,
      kernels,
    }),
  );
}

/**
 * The geometry encoder's default adjacency, measured: pretrain encoder + intensity head
 * (landmarks → 12 AU intensities) on synthetic faces of @g2rl/datasets (identity shapes
 * deformed by AU displacement fields, plus landmark noise), test on held-out identities.
 */
async function adjacencyWorker(mode, learningRate) {
  const { initBackend } = await import(join(here, '..', 'packages', 'backend', 'dist', 'index.js'));
  const models = await import(join(modelsPackage, 'dist', 'index.js'));
  const datasets = await import(join(here, '..', 'packages', 'datasets', 'dist', 'index.js'));
  const heatmaps = await import(join(here, '..', 'packages', 'heatmaps', 'dist', 'index.js'));
  const chosen = await initBackend({ prefer: 'auto', quiet: true });
  const rng = datasets.syntheticRng(20261129);
  const A = datasets.SYNTHETIC_AUS.length;
  const makeSet = (identities, count) => {
    const geometry = new Float32Array(count * 68 * 2);
    const intensities = new Float32Array(count * A);
    for (let i = 0; i < count; i++) {
      const neutral = datasets.identityShape(identities[i % identities.length]);
      const values = Array.from({ length: A }, () => (rng.next() < 0.5 ? 0 : rng.uniform(0, 5)));
      const features = heatmaps.geometryFeatures(datasets.applyActionUnits(neutral, values), 'ibug68');
      for (let k = 0; k < features.length; k++) geometry[i * 136 + k] = features[k] + rng.uniform(-0.02, 0.02);
      intensities.set(values, i * A);
    }
    return { geometry, intensities, count };
  };
  const identities = Array.from({ length: 50 }, () => datasets.sampleIdentity(rng));
  const train = makeSet(identities.slice(0, 40), 2048);
  const test = makeSet(identities.slice(40), 512);
  const trainer = new models.G2RLTrainer({ aus: A, geometry: { adjacency: mode }, geometryLearningRate: learningRate, seed: 1 });
  const B = 32;
  const steps = 400;
  const start = performance.now();
  for (let step = 0; step < steps; step++) {
    const offset = (step * B) % train.count;
    await trainer.pretrainGeometryStep({
      geometry: train.geometry.subarray(offset * 136, (offset + B) * 136),
      intensities: train.intensities.subarray(offset * A, (offset + B) * A),
      batchSize: B,
    });
  }
  const msPerStep = (performance.now() - start) / steps;
  const predicted = await trainer.predictIntensitiesFromGeometry(test.geometry, test.count);
  let absolute = 0;
  for (let i = 0; i < predicted.length; i++) absolute += Math.abs(Math.min(5, Math.max(0, predicted[i])) - test.intensities[i]);
  // Mean absolute error of always predicting the training mean, for scale.
  const mean = train.intensities.reduce((s, v) => s + v, 0) / train.intensities.length;
  const baseline = test.intensities.reduce((s, v) => s + Math.abs(v - mean), 0) / test.intensities.length;
  trainer.dispose();
  console.log(JSON.stringify({ backend: chosen.name, mode, steps, batch: B, msPerStep, testMae: absolute / predicted.length, meanBaselineMae: baseline }));
}

function runAdjacencyWorker(mode) {
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--adjacency-worker', mode], { encoding: 'utf8' });
  const line = run.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (run.status !== 0 || !line) {
    console.log(`  adjacency ${mode}: worker failed (${run.status ?? run.signal}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return null;
  }
  return JSON.parse(line);
}

function runWorker(prefer, preset, profile) {
  const args = ['--expose-gc', fileURLToPath(import.meta.url), '--worker', prefer, preset, ...(profile ? ['--profile'] : [])];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const line = run.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (run.status !== 0 || !line) {
    console.log(`  ${prefer}/${preset}: worker failed (${run.status ?? run.signal}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return null;
  }
  return JSON.parse(line);
}

function runTorch(batch, iterations) {
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
    if (probe.status !== 0) continue;
    const run = spawnSync(python, [join(here, 'torch_small.py'), '--batch', String(batch), '--iterations', String(iterations), '--threads', '2'], {
      encoding: 'utf8',
    });
    const line = run.stdout.trim().split('\n').pop();
    if (run.status === 0 && line?.startsWith('{')) return { python, ...JSON.parse(line) };
    console.log(`PyTorch: ${python} bench/torch_small.py failed: ${run.stderr.trim().split('\n').slice(-2).join(' | ')}`);
    return null;
  }
  console.log('PyTorch: skipped (no python3 with torch; `apt-get install -y python3-torch` to compare)');
  return null;
}

async function main() {
  const presets = option('--presets', 'small,paper').split(',');
  const wantProfile = !argv.includes('--no-profile');
  const rows = [];
  // The backend initBackend chooses here; wasm explicitly as well when it is not that one.
  for (const preset of presets) {
    const auto = runWorker('auto', preset, wantProfile && preset === 'small');
    if (auto) rows.push(auto);
    if (!auto || auto.backend !== 'wasm') {
      const wasm = runWorker('wasm', preset, wantProfile && preset === 'small');
      if (wasm) rows.push(wasm);
    }
  }
  const fmt = (v, d = 1) => (v == null ? '-' : v.toFixed(d));
  console.log(
    'backend  preset  params   GFLOP/img  batch  fwd ms/img  train ms/img  G2RL ms/img  fwd GFLOP/s  train GFLOP/s  peak RSS MB  peak tensors MB',
  );
  for (const r of rows) {
    console.log(
      [
        r.backend.padEnd(7),
        r.preset.padEnd(6),
        `${(r.params / 1e6).toFixed(2)}M`.padStart(7),
        fmt(r.flops / 1e9, 3).padStart(10),
        String(r.batch).padStart(6),
        fmt(r.forwardMsPerImage).padStart(11),
        fmt(r.trainMsPerImage).padStart(13),
        fmt(r.g2rlTrainMsPerImage).padStart(12),
        fmt(r.flops / 1e6 / r.forwardMsPerImage, 2).padStart(12),
        fmt(r.trainingFlops / 1e6 / r.trainMsPerImage, 2).padStart(14),
        fmt(r.peakRssMB, 0).padStart(12),
        fmt(r.peakTensorMB, 0).padStart(16),
      ].join(' '),
    );
  }
  for (const r of rows.filter((row) => row.kernels)) {
    // Ops built with customGrad (names ending in `__op`, e.g. fusedConv2d__op) are listed
    // beside the kernels they run; their time is already in those kernels, so they are
    // shown in brackets and left out of the total.
    const isWrapper = (k) => k.name.endsWith('__op');
    const total = r.kernels.filter((k) => !isWrapper(k)).reduce((s, k) => s + k.ms, 0);
    console.log(`\nper-kernel time of one small training step (batch ${r.batch}) on ${r.backend}, kernels total ${total.toFixed(0)} ms:`);
    for (const k of r.kernels.slice(0, 15)) {
      const share = isWrapper(k) ? '  (op)' : `${((100 * k.ms) / total).toFixed(1).padStart(5)}%`;
      console.log(`  ${k.name.padEnd(24)} ${k.ms.toFixed(1).padStart(8)} ms  ${share}  ${String(k.calls).padStart(4)} calls`);
    }
  }

  if (!argv.includes('--no-adjacency')) {
    console.log('\ngeometry encoder, static vs dynamic adjacency: pretraining landmarks → 12 AU intensities on synthetic faces (held-out identities)');
    for (const mode of ['static', 'dynamic']) {
      const r = runAdjacencyWorker(mode);
      if (r) {
        console.log(
          `  ${mode.padEnd(8)} ${r.backend}: test MAE ${r.testMae.toFixed(3)} (predicting the mean: ${r.meanBaselineMae.toFixed(3)}), ` +
            `${r.msPerStep.toFixed(1)} ms/step at batch ${r.batch}, ${r.steps} steps`,
        );
      }
    }
  }

  if (!presets.includes('small') || argv.includes('--no-torch')) return;
  const torch = runTorch(SETTINGS.small.batch, SETTINGS.small.iterations);
  if (!torch) return;
  const flops = rows.find((r) => r.preset === 'small')?.flops;
  console.log(
    `\nPyTorch ${torch.torch} (${torch.threads} threads, ${torch.python}) small, batch ${torch.batch}: ` +
      `fwd ${fmt(torch.forwardMsPerImage)} ms/img, train ${fmt(torch.trainMsPerImage)} ms/img` +
      (flops ? ` (${fmt((3 * flops) / 1e6 / torch.trainMsPerImage, 2)} GFLOP/s)` : '') +
      `, peak RSS ${fmt(torch.peakRssMB, 0)} MB`,
  );
  for (const r of rows.filter((row) => row.preset === 'small')) {
    console.log(
      `ratio ${r.backend}/PyTorch, small: training step ${(r.trainMsPerImage / torch.trainMsPerImage).toFixed(2)}×, ` +
        `forward ${(r.forwardMsPerImage / torch.forwardMsPerImage).toFixed(2)}× (issue 3 target: training ≤ 6× on wasm)`,
    );
  }
}
