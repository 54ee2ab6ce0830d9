#!/usr/bin/env node
// `pnpm soak:train [--runs 20] [--seed 1]`: the "nothing lost" guarantee under SIGKILL. One
// uninterrupted reference run, then `--runs` runs of the same tiny config, each SIGKILLed at a
// seeded random moment and resumed (`--resume` when a checkpoint exists, else started again)
// until it finishes; every one must end with exactly the reference's exported weights (byte for
// byte) and report. About a third of the kills land inside a checkpoint write on purpose
// (G2RL_FAULT_KILL_IN_CHECKPOINT: the process kills itself halfway through writing its n-th
// checkpoint); the others at a random time in the run, and some runs are killed again while
// resuming. Exits 1 on any difference.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mixSeed, mulberry32 } from '@g2rl/common';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' }, seed: { type: 'string', default: '1' }, keep: { type: 'boolean' } } });
const runs = Number(values.runs);
const seed = Number(values.seed);
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'g2rl-kill-soak-'));
// Tiny: 5 subjects × 4 frames, 1 pretraining epoch, 3 epochs → 5 checkpoint writes per run
// (after pretraining, after each epoch, when done).
const CHECKPOINTS_PER_RUN = 5;
const common = [
  '--identities', '5', '--frames', '4', '--epochs', '3', '--batch-size', '4', '--geometry-epochs', '1',
  '--runs-dir', join(work, 'runs'), '--cache-dir', join(work, 'cache'), '--data-path', join(work, 'synthetic'),
  '--backend', 'wasm', '--json',
];

/** Runs `train`; `killAfterMs` SIGKILLs it then (if still running); `env` adds variables. */
function train(name, extra = [], { killAfterMs, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, 'train', '--name', name, ...common, ...extra], { cwd: work, env: { ...process.env, ...env } });
    let err = '';
    child.stdout.resume();
    child.stderr.on('data', (d) => (err += d));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, err, ms: performance.now() - started });
    });
  });
}

const runDir = (name) => join(work, 'runs', name);
const temporaries = (name) => (existsSync(join(runDir(name), 'checkpoints')) ? readdirSync(join(runDir(name), 'checkpoints')).filter((n) => n.endsWith('.tmp')) : []);
const hasCheckpoint = (name) => existsSync(join(runDir(name), 'checkpoints', 'last.ckpt'));

console.log(`kill soak: ${runs} runs, seed ${seed}, work folder ${work}`);
const soakStarted = performance.now();
const reference = await train('reference');
if (reference.code !== 0) throw new Error(`the reference run failed (${reference.code}):\n${reference.err}`);
const whole = await train('reference-again', []);
const referenceWeights = readFileSync(join(runDir('reference'), 'model', 'weights.bin'));
const referenceReport = JSON.parse(readFileSync(join(runDir('reference'), 'report.json'), 'utf8')).mean;
const runMs = whole.ms; // the second run: data and crop cache already made, as for every soak run
console.log(`reference run: ${(reference.ms / 1000).toFixed(1)} s with data synthesis, ${(runMs / 1000).toFixed(1)} s without; weights ${referenceWeights.length} bytes`);

const rows = [];
let failures = 0;
for (let i = 0; i < runs; i++) {
  const random = mulberry32(mixSeed(seed, i));
  const name = `run-${String(i + 1).padStart(2, '0')}`;
  const kills = [];
  // The first attempt: killed in a checkpoint write (n-th of the run) or at a random time.
  const inWrite = random() < 0.35;
  const plan = inWrite
    ? { env: { G2RL_FAULT_KILL_IN_CHECKPOINT: String(1 + Math.floor(random() * CHECKPOINTS_PER_RUN)) } }
    : { killAfterMs: Math.round(random() * runMs) };
  let attempt = await train(name, [], plan);
  // A run faster than the reference (the machine is shared) can finish before its kill: run it
  // again, killed at a random moment of the time it took, so that every run is killed.
  while (attempt.code === 0 && !plan.env) {
    rmSync(runDir(name), { recursive: true, force: true });
    plan.killAfterMs = Math.round(random() * attempt.ms);
    attempt = await train(name, [], plan);
  }
  let extraKill = random() < 0.3; // a second kill, while resuming
  for (let attempts = 1; ; attempts++) {
    if (attempt.code === 0) break;
    if (attempt.signal !== 'SIGKILL') {
      failures++;
      kills.push(`exit ${attempt.code}: ${attempt.err.trim().split('\n').slice(-3).join(' | ')}`);
      break;
    }
    kills.push(`${plan.env && attempts === 1 ? `in checkpoint write ${plan.env.G2RL_FAULT_KILL_IN_CHECKPOINT}` : `at ${Math.round(attempts === 1 ? plan.killAfterMs : attempt.ms)} ms`}`
      + ` (${hasCheckpoint(name) ? 'checkpoint' : 'no checkpoint'}${temporaries(name).length ? ', half-written temp file' : ''})`);
    if (attempts > 6) { failures++; kills.push('gave up after 6 attempts'); break; }
    const resume = hasCheckpoint(name) ? ['--resume'] : [];
    const killAfterMs = extraKill ? Math.round(random() * runMs) : undefined;
    extraKill = false;
    attempt = await train(name, resume, { killAfterMs });
  }
  let same = false;
  if (attempt.code === 0) {
    const weights = readFileSync(join(runDir(name), 'model', 'weights.bin'));
    const report = JSON.parse(readFileSync(join(runDir(name), 'report.json'), 'utf8')).mean;
    same = weights.equals(referenceWeights) && JSON.stringify(report) === JSON.stringify(referenceReport) && temporaries(name).length === 0;
    if (!same) failures++;
  }
  rows.push({ name, kills: kills.join('; '), same });
  console.log(`${name}: ${rows.at(-1).kills} → ${same ? 'identical weights and report' : 'DIFFERENT'}`);
  if (!values.keep) rmSync(runDir(name), { recursive: true, force: true });
}
const killed = rows.filter((r) => r.kills !== '').length;
const inWrites = rows.filter((r) => r.kills.includes('in checkpoint write')).length;
const kills = rows.reduce((n, r) => n + r.kills.split('; ').filter((k) => k.startsWith('at ') || k.startsWith('in ')).length, 0);
console.log(`\n${runs} runs, ${killed} killed (${kills} SIGKILLs, ${inWrites} runs killed inside a checkpoint write by the fault hook, ${rows.filter((r) => r.kills.includes('half-written')).length} left a half-written checkpoint temp file), ${rows.filter((r) => r.same).length} identical to the uninterrupted run byte for byte, ${failures} failures; ${((performance.now() - soakStarted) / 60000).toFixed(1)} min`);
if (!values.keep) rmSync(work, { recursive: true, force: true });
process.exit(failures ? 1 : 0);
