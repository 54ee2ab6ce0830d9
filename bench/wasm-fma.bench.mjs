#!/usr/bin/env node
// The wasm backend's FMA tile kernels (@g2rl/backend, relaxed SIMD) against tfjs-backend-wasm's
// own XNNPACK kernels, in the same run: the `small` backbone's convolution shapes (forward,
// input and filter gradients, batch 8 = one replica's share of the demo's batch) and the
// demo's whole training step (batch 8) and inference (batch 8). Each mode runs in its own
// child process (the kernels are chosen when the backend starts: env G2RL_WASM_FMA=0 keeps
// XNNPACK); the modes alternate round by round and the best of each is kept. Times are
// process CPU milliseconds (all threads), which other programs' load changes far less than
// wall time; GFLOP/s are 2·MACs over them.
// Usage: node bench/wasm-fma.bench.mjs [--rounds N]
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const trainerDir = join(here, '..', 'apps', 'trainer');
const argv = process.argv.slice(2);
const roundsAt = argv.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(argv[roundsAt + 1]) : 3;

// [batch, size, C_in, C_out, stride]: 3×3 'same' convolutions of the small backbone.
const SHAPES = [[8, 64, 32, 48, 2], [8, 32, 48, 48, 1], [8, 16, 96, 96, 1], [8, 8, 192, 192, 1], [8, 32, 96, 64, 1]];

if (argv[0] === '--child') {
  const require = createRequire(join(trainerDir, 'package.json'));
  const tf = require('@tensorflow/tfjs');
  const { initBackend, wasmFmaEnabled } = await import(join(here, '..', 'packages', 'backend', 'dist', 'index.js'));
  const models = await import(join(here, '..', 'packages', 'models', 'dist', 'index.js'));
  const trainerApp = await import(join(trainerDir, 'dist', 'index.js'));
  await initBackend({ prefer: 'wasm', quiet: true });
  const cpu = async (f) => {
    const c = process.cpuUsage();
    await f();
    const u = process.cpuUsage(c);
    return (u.user + u.system) / 1000;
  };
  const best = async (f, n = 4) => {
    await f();
    let b = Infinity;
    for (let i = 0; i < n; i++) b = Math.min(b, await cpu(f));
    return b;
  };
  const rows = {};
  for (const [b, s, ci, co, st] of SHAPES) {
    const key = `${b}×${s}²×${ci}→${co} /${st}`;
    const x = tf.randomNormal([b, s, s, ci], 0, 1, 'float32', 1);
    const w = tf.randomNormal([3, 3, ci, co], 0, 1, 'float32', 2);
    const dy = tf.randomNormal([b, s / st, s / st, co], 0, 1, 'float32', 3);
    const attrs = { strides: st, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined };
    const run = (kernel, inputs, extra) => () => { const y = tf.engine().runKernel(kernel, inputs, { ...attrs, ...extra }); y.dataSync(); y.dispose(); };
    rows[key] = {
      flops: 2 * b * (s / st) ** 2 * co * 9 * ci,
      forward: await best(() => { const y = tf.conv2d(x, w, st, 'same'); y.dataSync(); y.dispose(); }),
      input: await best(run('Conv2DBackpropInput', { dy, filter: w }, { inputShape: [b, s, s, ci] })),
      filter: await best(run('Conv2DBackpropFilter', { x, dy }, { filterShape: [3, 3, ci, co] })),
    };
    tf.dispose([x, w, dy]);
  }
  const config = trainerApp.resolveConfig({ preset: 'demo' });
  const trainer = trainerApp.createRunTrainer(config, 12, 68);
  trainer.applySchedule(1);
  const batch = models.syntheticTrainingBatch(trainer.dims, 8, 100);
  const step = await best(() => trainer.trainStep(batch), 3);
  const predict = await best(async () => { await trainer.predict(batch.images, 8); }, 3);
  trainer.dispose();
  console.log(JSON.stringify({ fma: wasmFmaEnabled(), rows, step, predict }));
  process.exit(0);
}

const load = () => loadavg().map((v) => v.toFixed(1)).join(' / ');
console.log(`wasm FMA tiles vs XNNPACK, load average ${load()} (1 / 5 / 15 min) at the start; ${rounds} rounds, best of each`);
const results = { fma: [], xnnpack: [] };
for (let r = 0; r < rounds; r++) {
  for (const mode of ['xnnpack', 'fma']) {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child'], {
      env: { ...process.env, G2RL_WASM_FMA: mode === 'fma' ? '1' : '0' }, encoding: 'utf8', maxBuffer: 1 << 24,
    });
    const line = child.stdout.trim().split('\n').pop();
    if (child.status !== 0 || !line?.startsWith('{')) {
      console.error(child.stderr);
      throw new Error(`wasm-fma bench: the ${mode} child failed (${child.status})`);
    }
    const parsed = JSON.parse(line);
    if (parsed.fma !== (mode === 'fma')) throw new Error(`wasm-fma bench: the ${mode} child ran with fma=${parsed.fma}`);
    results[mode].push(parsed);
  }
}
const min = (mode, pick) => Math.min(...results[mode].map(pick));
const gf = (flops, ms) => (flops / ms / 1e6).toFixed(1);
console.log('convolution (3×3 same)      | forward ms  GFLOP/s  (XNNPACK)  | dx ms (XNNPACK) | dW ms (XNNPACK) | FMA ÷ XNNPACK time, fwd+dx+dW');
for (const key of Object.keys(results.fma[0].rows)) {
  const flops = results.fma[0].rows[key].flops;
  const f = (mode, k) => min(mode, (x) => x.rows[key][k]);
  const total = (mode) => f(mode, 'forward') + f(mode, 'input') + f(mode, 'filter');
  console.log(
    `${key.padEnd(27)} | ${f('fma', 'forward').toFixed(1).padStart(6)} ${gf(flops, f('fma', 'forward')).padStart(8)} (${gf(flops, f('xnnpack', 'forward'))}) | ` +
      `${f('fma', 'input').toFixed(1).padStart(5)} (${f('xnnpack', 'input').toFixed(1)}) | ${f('fma', 'filter').toFixed(1).padStart(5)} (${f('xnnpack', 'filter').toFixed(1)}) | ${(total('fma') / total('xnnpack')).toFixed(2)}`,
  );
}
const step = (mode) => min(mode, (x) => x.step);
const predict = (mode) => min(mode, (x) => x.predict);
console.log(`demo training step, batch 8: FMA ${step('fma').toFixed(0)} ms CPU, XNNPACK ${step('xnnpack').toFixed(0)} ms: ${(step('fma') / step('xnnpack')).toFixed(2)}× the time`);
console.log(`inference, batch 8:          FMA ${predict('fma').toFixed(0)} ms CPU, XNNPACK ${predict('xnnpack').toFixed(0)} ms: ${(predict('fma') / predict('xnnpack')).toFixed(2)}× the time`);
console.log(`load average ${load()} at the end`);
