// initBackend silences tfjs's own console notices (the cpu backend's "Hi, looks like you
// are running TensorFlow.js in Node.js" banner): checked in a fresh process, since the
// banner prints once per backend instance.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const script = `
const { initBackend } = await import(${JSON.stringify(join(packageDir, 'dist', 'index.js'))});
const tf = await import('@tensorflow/tfjs');
await initBackend({ prefer: 'cpu', quiet: true });
tf.tensor([1, 2]).dataSync();
console.log('ok');`;

function run(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: packageDir, env: { ...process.env, ...env }, encoding: 'utf8' });
}

describe('tfjs banner', () => {
  it('is not printed after initBackend, and is with G2RL_TFJS_WARNINGS=1', () => {
    const quiet = run({ G2RL_TFJS_WARNINGS: '' });
    expect(quiet.stdout.trim()).toBe('ok');
    expect(quiet.stderr + quiet.stdout).not.toMatch(/looks like you are running TensorFlow\.js/);
    const loud = run({ G2RL_TFJS_WARNINGS: '1' });
    expect(loud.stderr + loud.stdout).toMatch(/looks like you are running TensorFlow\.js/);
  });
});
