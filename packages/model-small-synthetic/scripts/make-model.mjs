#!/usr/bin/env node
// Makes the shipped model: trains the trainer's `demo` preset (seed 1) on freshly made
// synthetic faces, evaluates it on the 50 held-out identities, and copies the exported
// model folder (model.json, weights.bin, model-card.json) into ../model atomically
// (a temporary folder, then one rename). Run from the repository: `pnpm --filter
// @g2rl/model-small-synthetic make-model` (after `pnpm build`).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repo = join(packageDir, '..', '..');
const cli = join(repo, 'apps', 'trainer', 'dist', 'cli.js');
if (!existsSync(cli)) throw new Error(`${cli} not found: run pnpm build first`);
const runsDir = join(repo, 'runs');
const name = 'model-small-synthetic';
const backend = process.env.G2RL_BACKEND ?? 'auto';
const started = Date.now();
const run = spawnSync(process.execPath, [cli, 'train', '--preset', 'demo', '--seed', '1', '--name', name, '--runs-dir', runsDir, '--backend', backend, '--overwrite'], { cwd: repo, stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);
const exported = join(runsDir, name, 'model');
const staging = mkdtempSync(join(packageDir, '.model-'));
for (const file of ['model.json', 'weights.bin', 'model-card.json']) cpSync(join(exported, file), join(staging, file));
const target = join(packageDir, 'model');
const old = `${target}.old`;
rmSync(old, { recursive: true, force: true });
if (existsSync(target)) renameSync(target, old);
renameSync(staging, target);
rmSync(old, { recursive: true, force: true });
console.log(`model-small-synthetic: ${target} from ${exported} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
