#!/usr/bin/env node
// Per-kernel timings of @g2rl/backend's wasm training kernels on the conv shapes of the
// `small` preset at batch 16, with achieved GFLOP/s, beside wasm's built-in kernels and
// (when Debian's python3-torch is installed) the same ops in PyTorch with 2 threads.
// Usage: node bench/backend.bench.mjs [--reps N]   (imports packages/backend/dist: build first)
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..', 'packages', 'backend');
const require = createRequire(join(pkg, 'package.json'));
const tf = require('@tensorflow/tfjs');
const wasm = require('@tensorflow/tfjs-backend-wasm');
const backend = await import(join(pkg, 'dist', 'index.js'));

// --cpu-time: time the (single-threaded) wasm side by this process's CPU time instead of
// wall time — stable on a loaded machine, equal to wall time on an idle one.
const CPU_TIME = process.argv.includes('--cpu-time');
const repsArg = process.argv.indexOf('--reps');
const REPS = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 5;
const B = 16;
// [name, input H (=W), C_in, C_out, kernel, stride] — the small preset's convolutions.
const CONVS = [
  ['stem 3x3/2', 128, 3, 32, 3, 2],
  ['enc1.a 3x3/2', 64, 32, 48, 3, 2],
  ['enc1.b 3x3/1', 32, 48, 48, 3, 1],
  ['enc1.sc 1x1/2', 64, 32, 48, 1, 2],
  ['enc2.a 3x3/2', 32, 48, 96, 3, 2],
  ['enc2.b 3x3/1', 16, 96, 96, 3, 1],
  ['enc2.sc 1x1/2', 32, 48, 96, 1, 2],
  ['enc3.a 3x3/2', 16, 96, 192, 3, 2],
  ['enc3.b 3x3/1', 8, 192, 192, 3, 1],
  ['enc3.sc 1x1/2', 16, 96, 192, 1, 2],
  ['dec2 3x3/1', 16, 192, 96, 3, 1],
  ['dec1 3x3/1', 32, 96, 64, 3, 1],
  ['dec1.sc 1x1/1', 32, 48, 64, 1, 1],
  ['head 1x1/1', 32, 64, 24, 1, 1],
];
// [name, M, K, N]: Dense-layer-like products (knowledge projection, GCN dense).
const MATMULS = [
  ['proj 16x8192·8192x128', 16, 8192, 128],
  ['gcn 1088x64·64x64', 1088, 64, 64],
];

/**
 * Best (minimum) wall time in ms of `f` over REPS runs after one warm-up; `f` returns
 * tensors to dispose. The minimum, not the median: the machine is shared, and other
 * processes only ever add time.
 */
function now() {
  if (!CPU_TIME) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function time(f) {
  tf.dispose(f());
  const ms = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = now();
    const out = f();
    ms.push(now() - t0);
    tf.dispose(out);
  }
  return Math.min(...ms);
}

function convTensors([, S, ci, co, k, s]) {
  const x = tf.randomNormal([B, S, S, ci]);
  const w = tf.randomNormal([k, k, ci, co]);
  const out = Math.ceil(S / s);
  const dy = tf.randomNormal([B, out, out, co]);
  const flops = 2 * B * out * out * k * k * ci * co; // multiply-adds ×2, per op
  return { x, w, dy, flops, s };
}

const fmt = (ms, flops) => `${ms.toFixed(1).padStart(7)} ms ${(flops / ms / 1e6).toFixed(1).padStart(5)} GF/s`;

// 1. wasm exactly as tfjs ships it (no training kernels yet): built-in BackpropInput, matMul.
wasm.setWasmPaths(backend.wasmBinaryFolder());
await tf.setBackend('wasm');
const builtin = {};
for (const conv of CONVS) {
  const { x, w, dy, flops, s } = convTensors(conv);
  if (conv[4] === 3) {
    builtin[conv[0]] = time(() => tf.conv2dTranspose(dy, w, x.shape, s, 'same'));
  }
  tf.dispose([x, w, dy]);
}
const builtinMatMul = {};
for (const [name, M, K, N] of MATMULS) {
  const a = tf.randomNormal([M, K]), b = tf.randomNormal([K, N]);
  const aT = tf.randomNormal([K, M]), bT = tf.randomNormal([N, K]);
  builtinMatMul[name] = {
    plain: time(() => tf.matMul(a, b)),
    tA: time(() => tf.matMul(aT, b, true, false)),
    tB: time(() => tf.matMul(a, bT, false, true)),
  };
  tf.dispose([a, b, aT, bT]);
}

// 2. With @g2rl/backend's kernels.
backend.registerWasmTrainingKernels();
const ours = {};
console.log(`wasm (SIMD, ${wasm.getThreadsCount()} thread), batch ${B}, best of ${REPS} (${CPU_TIME ? 'CPU' : 'wall'} time); GF/s = 2·MACs / time`);
console.log(`load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores (a shared machine inflates wall times; try --cpu-time)`);
console.log('conv'.padEnd(16), 'Conv2D fwd'.padEnd(22), 'BackpropInput (ours)'.padEnd(22), 'BackpropInput (built-in)'.padEnd(24), 'BackpropFilter (ours)');
let totals = { fwd: 0, bpi: 0, bpf: 0 };
for (const conv of CONVS) {
  const { x, w, dy, flops, s } = convTensors(conv);
  const fwd = time(() => tf.conv2d(x, w, s, 'same'));
  const bpi = time(() => tf.conv2dTranspose(dy, w, x.shape, s, 'same'));
  const bpf = time(() =>
    tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
      strides: [s, s], pad: 'same', dataFormat: 'NHWC', filterShape: w.shape,
    }));
  ours[conv[0]] = { fwd, bpi, bpf, flops };
  totals.fwd += fwd; totals.bpi += conv[0].startsWith('stem') ? 0 : bpi; totals.bpf += bpf;
  const bi = builtin[conv[0]];
  console.log(conv[0].padEnd(16), fmt(fwd, flops).padEnd(22), fmt(bpi, flops).padEnd(22),
    (bi == null ? '' : fmt(bi, flops)).padEnd(24), fmt(bpf, flops));
  tf.dispose([x, w, dy]);
}
console.log(`sum: forward ${totals.fwd.toFixed(0)} ms, BackpropInput ${totals.bpi.toFixed(0)} ms (stem excluded: the image needs no gradient), BackpropFilter ${totals.bpf.toFixed(0)} ms`);
console.log('\nmatMul'.padEnd(26), 'plain'.padEnd(22), 'transposeA built-in → ours'.padEnd(40), 'transposeB built-in → ours');
for (const [name, M, K, N] of MATMULS) {
  const a = tf.randomNormal([M, K]), b = tf.randomNormal([K, N]);
  const aT = tf.randomNormal([K, M]), bT = tf.randomNormal([N, K]);
  const flops = 2 * M * K * N;
  const plain = time(() => tf.matMul(a, b));
  const tA = time(() => tf.matMul(aT, b, true, false));
  const tB = time(() => tf.matMul(a, bT, false, true));
  const bi = builtinMatMul[name];
  console.log(name.padEnd(25), fmt(plain, flops).padEnd(22),
    `${fmt(bi.tA, flops)} → ${fmt(tA, flops)}`.padEnd(40), `${fmt(bi.tB, flops)} → ${fmt(tB, flops)}`);
  tf.dispose([a, b, aT, bT]);
}

// 3. PyTorch, same shapes, 2 threads.
// Debian's python3-torch lives in /usr/bin/python3, which may not be the first python3 on PATH.
const pythons = [process.env.G2RL_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
const python = pythons.find((p) => spawnSync(p, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0);
if (python == null) {
  console.log(`\ntorch: no python with torch (tried ${pythons.join(', ')}; apt-get install -y python3-torch); skipping the PyTorch comparison`);
} else {
  // Passive OpenMP waits: spinning threads on a shared machine turn every barrier into a
  // scheduler round-trip and inflate PyTorch's times by 10–50× on small ops.
  const run = spawnSync(python, [join(here, 'torch_ops.py'), '--reps', String(2 * REPS), '--batch', String(B)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' },
    input: JSON.stringify({ convs: CONVS, matmuls: MATMULS }),
  });
  if (run.status !== 0) {
    console.log(`\ntorch: bench/torch_ops.py failed: ${run.stderr.trim().split('\n').pop()}`);
  } else {
    const torch = JSON.parse(run.stdout);
    console.log(`\nPyTorch ${torch.version} (${torch.threads} threads, wall time, best of ${2 * REPS}) vs wasm (ours); ratio = wasm / torch`);
    console.log('conv'.padEnd(16), 'fwd torch  ratio'.padEnd(20), 'bpi torch  ratio'.padEnd(20), 'bpf torch  ratio');
    const sum = { wasm: 0, torch: 0 };
    for (const conv of CONVS) {
      const t = torch.convs[conv[0]];
      const o = ours[conv[0]];
      const cell = (w, p) => `${p.toFixed(1).padStart(7)} ms ${(w / p).toFixed(1).padStart(5)}×`;
      const needBpi = !conv[0].startsWith('stem');
      console.log(conv[0].padEnd(16), cell(o.fwd, t.fwd).padEnd(20),
        (needBpi ? cell(o.bpi, t.bpi) : '').padEnd(20), cell(o.bpf, t.bpf));
      sum.wasm += o.fwd + o.bpf + (needBpi ? o.bpi : 0);
      sum.torch += t.fwd + t.bpf + (needBpi ? t.bpi : 0);
    }
    console.log(`all convs fwd+bwd: wasm ${sum.wasm.toFixed(0)} ms, torch ${sum.torch.toFixed(0)} ms, ratio ${(sum.wasm / sum.torch).toFixed(2)}×`);
  }
}
