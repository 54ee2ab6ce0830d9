#!/usr/bin/env node
// Makes the shipped model as `pnpm demo` makes its model: trains the trainer's `demo` preset
// (seed 1) with its 40 validation identities held out, fits the per-AU intensity calibration
// on them (`calibrate`: the card's heatmap.scale), scores the calibrated model once on the 60
// test identities (`eval --held-out test`), writes those test figures into the card's
// `metrics`, and copies the exported folder (model.json, weights.bin, model-card.json) into
// ../model atomically (a temporary folder, then one rename). Run from the repository:
// `pnpm --filter @g2rl/model-small-synthetic make-model` (after `pnpm build`).
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(packageDir, '..', '..');
const cli = join(repo, 'apps', 'trainer', 'dist', 'cli.js');
if (!existsSync(cli)) throw new Error(`${cli} not found: run pnpm build first`);
const runsDir = join(repo, 'runs');
const name = 'model-small-synthetic';
const backend = process.env.G2RL_BACKEND ?? 'auto';
const common = ['--preset', 'demo', '--seed', '1', '--name', name, '--runs-dir', runsDir, '--backend', backend];
const started = Date.now();

function trainer(...args) {
  const run = spawnSync(process.execPath, [cli, ...args, ...common], { cwd: repo, stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
trainer('train', '--held-out', 'validation', '--overwrite');
trainer('calibrate');
trainer('eval', '--held-out', 'test');

const exported = join(runsDir, name, 'model');
// eval wrote the test report into the run folder; its title is "<model dir>: <split>".
const report = JSON.parse(readFileSync(join(runsDir, name, 'report.json'), 'utf8'));
if (!report.title.startsWith(`${exported}: `)) throw new Error(`${join(runsDir, name, 'report.json')}: expected the test report of ${exported}, got the title ${JSON.stringify(report.title)}`);
const testSplit = report.title.slice(exported.length + 2);
const staging = mkdtempSync(join(packageDir, '.model-'));
chmodSync(staging, 0o755); // mkdtemp makes it private; the package's folder is not
for (const file of ['model.json', 'weights.bin', 'model-card.json']) cpSync(join(exported, file), join(staging, file));
const cardPath = join(staging, 'model-card.json');
const card = JSON.parse(readFileSync(cardPath, 'utf8'));
// The run's own metrics were its validation subjects' (uncalibrated); the card states the test figures.
card.training = { ...card.training, split: testSplit };
card.metrics = {
  heldOut: `test subjects, scored once, decoded with heatmap.scale: ${testSplit}`,
  heldOutImages: report.frames,
  meanIcc31: report.mean.icc,
  meanMae: report.mean.mae,
  meanPcc: report.mean.pcc,
  perAu: report.aus,
};
writeFileSync(cardPath, `${JSON.stringify(card, null, 2)}\n`);
const target = join(packageDir, 'model');
const old = `${target}.old`;
rmSync(old, { recursive: true, force: true });
if (existsSync(target)) renameSync(target, old);
renameSync(staging, target);
rmSync(old, { recursive: true, force: true });
console.log(`model-small-synthetic: ${target} from ${exported} in ${((Date.now() - started) / 1000).toFixed(0)} s; test mean ICC(3,1) ${report.mean.icc.toFixed(3)}, MAE ${report.mean.mae.toFixed(3)}, PCC ${report.mean.pcc.toFixed(3)} (${report.frames} images)`);
