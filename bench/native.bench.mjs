#!/usr/bin/env node
// @g2rl/backend-native against wasm and PyTorch, side by side in one run, on the `small`
// backbone preset as the spec states it (stem, three ResBlocks, nearest-upsampling decoder
// with skip adds, 1×1 head to K = 24 heatmaps; input B×128×128×3):
//   - images/second for a training step (the trainer's own Adam from @g2rl/models, lr 1e-3 —
//     one fused kernel for all variables on native —, MSE on the heatmaps, batch 16) and
//     for inference at batch 1 and 32, with ratios;
//   - native in three forms, each interleaved with PyTorch: fp32 with tf.layers' batch norm
//     (as before), fp32 with @g2rl/models' fused BatchNormRelu layer, and bf16 mixed-precision
//     convolutions (G2RL_NATIVE_PRECISION=bf16's setting) with the fused layer;
//   - achieved convolution GFLOP/s (direct-convolution FLOPs) against this CPU's peaks as
//     measured here (bench/peak.mjs: fp32 FMA, bf16 dot-product and AMX loops);
//   - a per-kernel profile (tf.profile) of one native training step of the fused forms.
// Times are the best (minimum) of --reps (batch 1: 20 × reps after 10 warm-ups) after a warm-up: the machine may be shared, and other
// processes only ever add time.
// Usage: node bench/native.bench.mjs [--reps N] [--no-wasm] [--no-torch] [--batch B] [--threads T]
//   (imports packages/backend-native/dist, packages/models/dist and packages/backend/dist:
//   build them first)
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const nativeDir = join(here, '..', 'packages', 'backend-native');
const backendDir = join(here, '..', 'packages', 'backend');
const modelsDir = join(here, '..', 'packages', 'models');
const require = createRequire(join(nativeDir, 'package.json'));
const tf = require('@tensorflow/tfjs');

const argValue = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REPS = argValue('--reps', 5);
const TRAIN_BATCH = argValue('--batch', 16);
// threads of both native (its OpenMP team) and PyTorch; default 2 (this project's machine)
const THREADS = argValue('--threads', 2);
const SIZE = 128;
const KEYPOINTS = 24;
const quietWarn = console.warn;

// The project's Adam (G2RLTrainer's optimizer): on native one fused kernel for all variables; and
// the fused batch norm + ReLU layer.
const { Adam, BatchNormRelu, createGeometryEncoder, foldBatchNorms } = await import(pathToFileURL(join(modelsDir, 'dist', 'index.js')).href);

/**
 * The `small` preset of the spec, in tf.layers; seeded initialisers. fused: every BN (+ ReLU)
 * is one BatchNormRelu layer (same maths; one native kernel each way on `native`).
 */
function buildSmall(fused = false) {
  let seed = 1;
  const conv = (x, filters, k, stride, useBias = false) =>
    tf.layers
      .conv2d({ filters, kernelSize: k, strides: stride, padding: 'same', useBias, kernelInitializer: tf.initializers.heNormal({ seed: seed++ }) })
      .apply(x);
  const bn = (x) => (fused ? new BatchNormRelu({ epsilon: 1e-3, relu: false }) : tf.layers.batchNormalization({ epsilon: 1e-3 })).apply(x);
  const relu = (x) => tf.layers.reLU().apply(x);
  const bnRelu = (x) => (fused ? new BatchNormRelu({ epsilon: 1e-3 }).apply(x) : relu(bn(x)));
  const add = (a, b) => tf.layers.add().apply([a, b]);
  const up = (x) => tf.layers.upSampling2d({ size: [2, 2] }).apply(x);
  const resBlock = (x, c, s) => relu(add(bn(conv(bnRelu(conv(x, c, 3, s)), c, 3, 1)), bn(conv(x, c, 1, s))));
  const input = tf.input({ shape: [SIZE, SIZE, 3] });
  const stem = bnRelu(conv(input, 32, 3, 2));
  const e1 = resBlock(stem, 48, 2);
  const e2 = resBlock(e1, 96, 2);
  const e3 = resBlock(e2, 192, 2);
  const d2 = add(bnRelu(conv(up(e3), 96, 3, 1)), e2);
  const m = add(bnRelu(conv(up(d2), 64, 3, 1)), conv(e1, 64, 1, 1, true));
  const heatmaps = conv(m, KEYPOINTS, 1, 1, true);
  return tf.model({ inputs: input, outputs: [m, heatmaps] });
}

/**
 * Best time (ms) of a geometry-encoder pretraining step as the trainer takes it: the default
 * encoder (N = 68 landmarks, dynamic k-NN adjacency, D = 128), batch 32, MSE to a target G.
 */
function measureGeometry(reps) {
  const encoder = createGeometryEncoder({ nodes: 68 });
  const adam = new Adam({ learningRate: 1e-3 });
  const f0 = tf.randomUniform([32, 68, 2], -1, 1, 'float32', 31);
  const target = tf.randomUniform([32, 128], 0, 1, 'float32', 32);
  const variables = encoder.trainableWeights.map((w) => ({ key: w.originalName, variable: w.read() }));
  const step = () => {
    const { value, grads } = tf.variableGrads(
      () => tf.losses.meanSquaredError(target, encoder.apply(f0, { training: true })),
      variables.map((v) => v.variable),
    );
    adam.apply(variables, grads);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  const ms = bestMs(step, reps);
  tf.dispose([f0, target]);
  adam.dispose();
  encoder.dispose();
  return ms;
}

/** One training step as G2RLTrainer takes it: variableGrads of the loss, then Adam.apply. */
function trainingStep(model, adam, x, y) {
  const variables = model.trainableWeights.map((w) => ({ key: w.originalName, variable: w.read() }));
  return () => {
    const { value, grads } = tf.variableGrads(
      () => tf.losses.meanSquaredError(y, model.apply(x, { training: true })[1]),
      variables.map((v) => v.variable),
    );
    adam.apply(variables, grads);
    const loss = value.dataSync()[0];
    tf.dispose([value, ...Object.values(grads)]);
    return loss;
  };
}

/** Forward convolution FLOPs per image (2 per multiply-add) and the stem's share. */
function convFlops(model) {
  let total = 0;
  let first = 0;
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'Conv2D') continue;
    const [, h, w, cout] = layer.outputShape;
    const [kh, kw] = layer.kernelSize;
    const cin = layer.input.shape[3];
    const flops = 2 * h * w * cout * kh * kw * cin;
    if (cin === 3) first = flops;
    total += flops;
  }
  // Training: forward + weight gradient everywhere + input gradient except into the image.
  return { inference: total, training: 3 * total - first };
}

function bestMs(f, reps) {
  f();
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/**
 * Times training and inference of the small model on the active tfjs backend: best of `reps`
 * (batch 1: 20×reps after 10 warm-ups). With `partner` (PyTorch), each of our repetitions is followed by one of
 * the partner's, so both sides sample the same moments of a shared machine's load.
 */
async function measure(label, reps, partner, fused = false) {
  const model = buildSmall(fused);
  const adam = new Adam({ learningRate: 1e-3 });
  const x = tf.randomUniform([TRAIN_BATCH, SIZE, SIZE, 3], 0, 1, 'float32', 1);
  const y = tf.randomUniform([TRAIN_BATCH, SIZE / 4, SIZE / 4, KEYPOINTS], 0, 1, 'float32', 2);
  const step = trainingStep(model, adam, x, y);
  const inputs = { 1: tf.randomUniform([1, SIZE, SIZE, 3], 0, 1, 'float32', 3), 32: tf.randomUniform([32, SIZE, SIZE, 3], 0, 1, 'float32', 4) };
  const infer = (b, m = model) => () => {
    const out = m.predict(inputs[b]);
    out[1].dataSync();
    tf.dispose(out);
  };
  // the inference model as loadInferenceModel serves it: batch norms (and their ReLUs) folded
  // into the convolutions, after the training warm-up has moved the moving statistics
  let folded;
  const inferFolded = (b) => () => {
    folded ??= foldBatchNorms(model);
    infer(b, folded)();
  };
  const tasks = { train: step, infer1: infer(1), infer32: infer(32), infer1Folded: inferFolded(1), infer32Folded: inferFolded(32) };
  const ours = {};
  const theirs = {};
  let leaked = 0;
  for (const [task, f] of Object.entries(tasks)) {
    const partnerTask = task.replace('Folded', ''); // PyTorch runs its eval model, unfolded
    // Batch 1 takes a few milliseconds, and both sides need tens of calls to settle (buffer
    // pools, caches, clocks): 10 warm-ups and 20 × reps timed calls each, interleaved.
    const batch1 = task === 'infer1' || task === 'infer1Folded';
    for (let i = 0; i < (batch1 ? 10 : 1); i++) {
      f(); // warm-up (the first training step also creates Adam's moment variables)
      if (partner) await partner(partnerTask);
    }
    const before = tf.memory().numTensors;
    ours[task] = Infinity;
    theirs[task] = Infinity;
    for (let i = 0; i < (batch1 ? reps * 20 : reps); i++) {
      const t0 = performance.now();
      f();
      ours[task] = Math.min(ours[task], performance.now() - t0);
      if (partner) theirs[task] = Math.min(theirs[task], await partner(partnerTask));
    }
    leaked += tf.memory().numTensors - before; // the folded model is made in its warm-up, before the count
  }
  folded?.dispose();
  if (leaked !== 0) console.log(`  ${label}: ${leaked} tensors leaked`);
  tf.dispose(Object.values(inputs));
  // x and y stay alive: `step` is profiled later.
  const result = {
    trainMs: ours.train, infer1Ms: ours.infer1, infer32Ms: ours.infer32, infer1FoldedMs: ours.infer1Folded, infer32FoldedMs: ours.infer32Folded,
    model, step, flops: convFlops(model),
  };
  const partnerResult = partner
    ? { trainMs: theirs.train, infer1Ms: theirs.infer1, infer32Ms: theirs.infer32, infer1FoldedMs: theirs.infer1Folded, infer32FoldedMs: theirs.infer32Folded }
    : undefined;
  return { result, partnerResult };
}

/** PyTorch (bench/torch_native_ref.py --serve) as a partner of measure(), or null with why. */
async function startTorch() {
  if (process.argv.includes('--no-torch')) return { reason: '--no-torch' };
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  // Same OpenMP wait policy as the native side (the addon sets PASSIVE unless the user chose):
  // both use OpenMP, and on a shared machine spinning waits cost either of them several-fold.
  const waitPolicy = process.env.OMP_WAIT_POLICY ?? 'PASSIVE';
  const child = spawn(python, [join(here, 'torch_native_ref.py'), '--serve', '--train-batch', String(TRAIN_BATCH), '--threads', String(THREADS)], {
    env: { ...process.env, OMP_WAIT_POLICY: waitPolicy },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const { value, done } = await lines.next();
    if (done) throw new Error(stderr.trim().split('\n').pop() || 'PyTorch exited');
    return value;
  };
  try {
    const header = JSON.parse(await next());
    const time = async (task) => {
      child.stdin.write(`${task}\n`);
      return Number(await next());
    };
    const stop = () => child.stdin.end('quit\n');
    return { header, time, stop, waitPolicy };
  } catch (error) {
    child.kill();
    return { reason: `${String(error.message ?? error)}; apt-get install python3-torch` };
  }
}

/** Loss of each of `steps` Adam steps from the seeded initial weights, on the active backend. */
function lossCurve(steps, fused = false) {
  const model = buildSmall(fused);
  const adam = new Adam({ learningRate: 1e-3 });
  const x = tf.randomUniform([TRAIN_BATCH, SIZE, SIZE, 3], 0, 1, 'float32', 21);
  const y = tf.randomUniform([TRAIN_BATCH, SIZE / 4, SIZE / 4, KEYPOINTS], 0, 1, 'float32', 22);
  const step = trainingStep(model, adam, x, y);
  const losses = [];
  for (let i = 0; i < steps; i++) losses.push(step());
  tf.dispose([x, y]);
  adam.dispose();
  model.dispose();
  return losses;
}
const CURVE_STEPS = 6;

const fmt = (v, d = 1) => (v == null || !Number.isFinite(v) ? '—' : v.toFixed(d));

// ---- native (three forms), each interleaved with PyTorch
const native = await import(pathToFileURL(join(nativeDir, 'dist', 'index.js')).href);
const nativeOk = native.isNativeAvailable();
if (nativeOk) native.registerNativeBackend(); // sets OMP_WAIT_POLICY before either side starts
const torch = await startTorch();
if (torch.reason) console.log(`pytorch: skipped (${torch.reason})`);
else {
  const t = torch.header;
  console.log(`pytorch: ${t.version}, ${t.threads} threads, ${t.params} parameters, OMP_WAIT_POLICY=${torch.waitPolicy}`);
}
const addon = nativeOk ? native.loadAddon().addon : null;
addon?.setThreads(THREADS);
const peaks = addon ? native.measurePeaks(addon, THREADS) : {};
if (addon) for (const line of native.describePeaks(peaks)) console.log(`measured peak ${line}`);
const bf16Ok = Boolean(peaks['bf16']?.all);

/** label, fused BN layer, conv precision */
const variants = [
  { label: 'native fp32', fused: false, precision: 'fp32' },
  { label: 'native fp32 fusedBN', fused: true, precision: 'fp32' },
  ...(bf16Ok ? [{ label: 'native bf16 fusedBN', fused: true, precision: 'bf16' }] : []),
];
const rows = []; // [label, result, pytorch result of the same interleaving]
let nativeResults = [];
if (!nativeOk) {
  console.log(`native: skipped (${native.nativeStatus().reason})`);
} else {
  await tf.setBackend('native');
  const status = native.nativeStatus();
  console.log(`native: oneDNN ${status.onednn}, ${status.threads} threads, OMP_WAIT_POLICY=${process.env.OMP_WAIT_POLICY}`);
  for (const v of variants) {
    native.setNativePrecision(v.precision);
    const measured = await measure(v.label, REPS, torch.time, v.fused);
    const result = { ...measured.result, variant: v };
    result.curve = lossCurve(CURVE_STEPS, v.fused);
    nativeResults.push(result);
    rows.push([v.label, result, measured.partnerResult]);
  }
  native.setNativePrecision('fp32');
  nativeResults[0].geometryMs = measureGeometry(REPS);
}
if (!nativeOk && torch.time) {
  // no native side to interleave with: time PyTorch alone
  const alone = { trainMs: Infinity, infer1Ms: Infinity, infer32Ms: Infinity };
  for (const [task, key] of [['train', 'trainMs'], ['infer1', 'infer1Ms'], ['infer32', 'infer32Ms']]) {
    await torch.time(task);
    for (let i = 0; i < (task === 'infer1' ? REPS * 20 : REPS); i++) alone[key] = Math.min(alone[key], await torch.time(task));
  }
  rows.push(['pytorch', alone]);
}
torch.stop?.();

// ---- wasm (after the others: it is single-threaded and slow)
let wasmResult;
if (process.argv.includes('--no-wasm')) {
  console.log('wasm: skipped (--no-wasm)');
} else {
  try {
    console.warn = () => {};
    if (existsSync(join(backendDir, 'dist', 'index.js'))) {
      const backend = await import(pathToFileURL(join(backendDir, 'dist', 'index.js')).href);
      await backend.initBackend({ prefer: 'wasm', quiet: true });
      console.log('wasm: @g2rl/backend initBackend (with its training kernels), single-threaded');
    } else {
      require('@tensorflow/tfjs-backend-wasm');
      await tf.setBackend('wasm');
      console.log('wasm: plain @tensorflow/tfjs-backend-wasm (packages/backend/dist not built)');
    }
    console.warn = quietWarn;
    wasmResult = (await measure('wasm', Math.min(REPS, 2))).result;
    wasmResult.curve = lossCurve(CURVE_STEPS);
    wasmResult.geometryMs = measureGeometry(Math.min(REPS, 2));
    rows.push(['wasm', wasmResult]);
  } catch (error) {
    console.warn = quietWarn;
    console.log(`wasm: skipped (${String(error?.message ?? error).split('\n')[0]})`);
  }
}

// ---- table
console.log(
  `\nsmall preset, ${SIZE}×${SIZE} input, best of ${REPS} (batch 1: ${REPS * 20} after 10 warm-ups); each native form interleaved with PyTorch ` +
    `(its own PyTorch column); wasm best of ${Math.min(REPS, 2)} (${Math.min(REPS, 2) * 4}) afterwards. images/second (higher is better)`,
);
console.log(`${'backend'.padEnd(22)}${'train b' + TRAIN_BATCH}`.padEnd(34) + 'infer b1'.padStart(12) + 'infer b32'.padStart(12) + '   ms: train / b1 / b32');
const line = (name, r) =>
  console.log(
    name.padEnd(22) +
      fmt((TRAIN_BATCH * 1000) / r.trainMs).padStart(12) +
      fmt(1000 / r.infer1Ms).padStart(12) +
      fmt((32 * 1000) / r.infer32Ms).padStart(12) +
      `   ${fmt(r.trainMs, 0)} / ${fmt(r.infer1Ms, 1)} / ${fmt(r.infer32Ms, 0)}`,
  );
for (const [name, r, partner] of rows) {
  line(name, r);
  if (partner) line('  pytorch (same run)', partner);
}
for (const [name, r, partner] of rows) {
  if (!partner) continue;
  console.log(
    `${name} time ÷ pytorch time: train ${fmt(r.trainMs / partner.trainMs, 2)}× (target ≤ 0.6), ` +
      `infer b1 ${fmt(r.infer1Ms / partner.infer1Ms, 2)}×, infer b32 ${fmt(r.infer32Ms / partner.infer32Ms, 2)}× (targets ≤ 0.5)`,
  );
}
console.log('inference as loadInferenceModel serves it (batch norms folded into the convolutions; PyTorch: its eval model, interleaved):');
for (const [name, r, partner] of rows) {
  if (r.infer1FoldedMs == null) continue;
  const ratio = (key) => (partner ? ` (${fmt(r[key] / partner[key], 2)}× pytorch's ${fmt(partner[key], 1)} ms)` : '');
  console.log(
    `  ${name.padEnd(20)} b1 ${fmt(r.infer1FoldedMs, 1)} ms${ratio('infer1FoldedMs')}, b32 ${fmt(r.infer32FoldedMs, 0)} ms${ratio('infer32FoldedMs')}`,
  );
}
const nativeResult = nativeResults[0];
if (nativeResult && wasmResult) {
  const ratio = (a, b, key) => b[key] / a[key];
  console.log(
    `native fp32 speed-up over wasm: train ${fmt(ratio(nativeResult, wasmResult, 'trainMs'), 1)}×, infer b1 ${fmt(ratio(nativeResult, wasmResult, 'infer1Ms'), 1)}×, infer b32 ${fmt(ratio(nativeResult, wasmResult, 'infer32Ms'), 1)}×`,
  );
}

if (nativeResult?.geometryMs || wasmResult?.geometryMs) {
  const speedUp = nativeResult?.geometryMs && wasmResult?.geometryMs ? ` (native ${fmt(wasmResult.geometryMs / nativeResult.geometryMs, 1)}× faster)` : '';
  console.log(
    `geometry encoder pretraining step (N = 68, dynamic adjacency, batch 32): native ${fmt(nativeResult?.geometryMs, 0)} ms, wasm ${fmt(wasmResult?.geometryMs, 0)} ms${speedUp}`,
  );
}

// ---- same training on every backend and form
const reference = wasmResult?.curve ?? nativeResult?.curve;
if (reference) {
  console.log(`\nloss curve, ${CURVE_STEPS} Adam steps at batch ${TRAIN_BATCH} from the same seeded weights (largest relative difference to ${wasmResult ? 'wasm' : 'native fp32'}):`);
  for (const [name, r] of [...nativeResults.map((r) => [r.variant.label, r]), ...(wasmResult ? [['wasm', wasmResult]] : [])]) {
    const worst = Math.max(...r.curve.map((l, i) => Math.abs(l - reference[i]) / reference[i]));
    console.log(`  ${name.padEnd(20)} ${r.curve.map((l) => l.toFixed(5)).join(' ')}   ${worst.toExponential(2)}`);
  }
  console.log('  (fp32 forms: float32 rounding, expect < 1e-3; bf16: 8-bit mantissas in the convolutions, expect ~1e-3–1e-2)');
}

// ---- GFLOP/s against the measured peaks
const flops = (nativeResult ?? wasmResult)?.flops;
if (flops) {
  const fp32Peak = peaks.fp32?.all;
  // bf16 work against the fastest bf16 path this CPU has: AMX tiles, else vdpbf16ps
  const bf16Peak = peaks['amx-bf16']?.all ?? peaks.bf16?.all;
  const bf16PeakName = peaks['amx-bf16']?.all != null ? 'AMX bf16' : 'vdpbf16ps bf16';
  console.log(
    `\nconvolution work: ${fmt(flops.inference / 1e9, 2)} GFLOP per image forward, ${fmt(flops.training / 1e9, 2)} per image trained; ` +
      `measured peaks on ${peaks.fp32?.threads ?? '?'} threads: fp32 ${fmt(fp32Peak, 0)} GFLOP/s, bf16 ${fmt(peaks.bf16?.all, 0)} (vdpbf16ps), ${fmt(peaks['amx-bf16']?.all, 0)} (AMX)`,
  );
  for (const [name, r, partner] of rows) {
    for (const [who, res] of [[name, r], ...(partner ? [['  pytorch (same run)', partner]] : [])]) {
      const train = (flops.training * TRAIN_BATCH) / (res.trainMs / 1000) / 1e9;
      const infer = (flops.inference * 32) / (res.infer32Ms / 1000) / 1e9;
      const ofPeak = (g) => `${fmt((100 * g) / fp32Peak)}% of fp32 peak` + (res.variant?.precision === 'bf16' ? `, ${fmt((100 * g) / bf16Peak, 2)}% of ${bf16PeakName} peak` : '');
      console.log(`  ${who.padEnd(22)} train ${fmt(train)} GFLOP/s (${ofPeak(train)}), infer b32 ${fmt(infer)} GFLOP/s (${ofPeak(infer)})`);
    }
  }
}

// ---- oneDNN's implementations, and a per-kernel profile of one native training step of each fused form
if (nativeOk) {
  const dims = Int32Array.from([TRAIN_BATCH, 32, 32, 48, 3, 3, 48, 32, 32, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  for (const precision of bf16Ok ? ['fp32', 'bf16'] : ['fp32']) {
    native.setNativePrecision(precision);
    console.log(`\noneDNN implementations, ${precision}, 3×3 conv 48→48 at 32×32: forward ${addon.convImplementation(0, dims)}, backward data ${addon.convImplementation(1, dims)}, backward weights ${addon.convImplementation(2, dims)}`);
  }
  native.setNativePrecision('fp32');
}
for (const r of nativeResults.filter((r) => r.variant.fused)) {
  await tf.setBackend('native');
  native.setNativePrecision(r.variant.precision);
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  const t0 = performance.now();
  const profile = await tf.profile(() => r.step());
  const wall = performance.now() - t0;
  const byKernel = new Map();
  for (const k of profile.kernels) {
    // a fused op's or custom gradient's scope (BatchNormRelu's is 'unnamed scope'): its kernels are listed themselves
    if (k.name.endsWith('__op') || k.name === 'unnamed scope') continue;
    const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += Number(k.kernelTimeMs) || 0;
    entry.calls += 1;
    byKernel.set(k.name, entry);
  }
  const kernelTotal = [...byKernel.values()].reduce((sum, e) => sum + e.ms, 0);
  const calls = [...byKernel.values()].reduce((sum, e) => sum + e.calls, 0);
  const nativeNames = new Set(Object.keys(native.nativeKernels()));
  console.log(`\nper-kernel profile of one ${r.variant.label} training step (batch ${TRAIN_BATCH}): ${calls} kernels, ${fmt(kernelTotal, 0)} ms of ${fmt(wall, 0)} ms wall`);
  console.log(`${'kernel'.padEnd(28)}${'ms'.padStart(9)}${'%'.padStart(7)}${'calls'.padStart(7)}  runs on`);
  for (const [name, e] of [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 16)) {
    console.log(
      `${name.padEnd(28)}${fmt(e.ms).padStart(9)}${fmt((100 * e.ms) / kernelTotal).padStart(7)}${String(e.calls).padStart(7)}  ${nativeNames.has(name) ? 'native' : 'cpu (js)'}`,
    );
  }
}
if (nativeOk) native.setNativePrecision('fp32');
console.log('\nnote: the machine may be shared with other work; ratios from one interleaved run matter more than absolute times.');
