import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NATIVE_BACKEND_NAME, isNativeAvailable, nativeKernels, nativeStatus, registerNativeBackend } from './backend.js';
import { nativeReady } from './test-helpers.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

describe.skipIf(!nativeReady)('registerNativeBackend', () => {
  it('is idempotent and returns the backend name', () => {
    expect(registerNativeBackend()).toBe('native');
    expect(registerNativeBackend()).toBe(NATIVE_BACKEND_NAME);
    expect(isNativeAvailable()).toBe(true);
    const status = nativeStatus();
    expect(status.available).toBe(true);
    expect(status.onednn).toMatch(/^\d+\.\d+\.\d+$/);
    expect(status.threads).toBeGreaterThanOrEqual(1);
  });

  it('registers every cpu kernel under native, the hot ones replaced', () => {
    const cpu = tf.getKernelsForBackend('cpu').map((k) => k.kernelName);
    const native = new Set(tf.getKernelsForBackend('native').map((k) => k.kernelName));
    for (const name of cpu) expect(native.has(name)).toBe(true);
    for (const name of Object.keys(nativeKernels())) {
      expect(tf.getKernel(name, 'native')!.kernelFunc).not.toBe(tf.getKernel(name, 'cpu')?.kernelFunc);
    }
  });

  it('holds tensors like cpu and falls back to cpu kernels (e.g. a one-hot and a gather)', async () => {
    await tf.setBackend('native');
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => tf.gather(tf.oneHot(tf.tensor1d([2, 0], 'int32'), 3), [1, 0]));
    expect(await out.array()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('without the addon', () => {
  const dist = join(packageDir, 'dist', 'index.js');
  it.skipIf(!existsSync(dist))('imports, reports unavailable with the reason, and registerNativeBackend throws it', () => {
    const script = `
      const m = await import(${JSON.stringify(dist)});
      let message = '';
      try { m.registerNativeBackend(); } catch (e) { message = e.message; }
      console.log(JSON.stringify({ available: m.isNativeAvailable(), status: m.nativeStatus(), message }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, G2RL_NATIVE_DISABLE: '1' },
    });
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').pop()!);
    expect(result.available).toBe(false);
    expect(result.status.reason).toContain('G2RL_NATIVE_DISABLE=1');
    expect(result.message).toContain('@g2rl/backend-native');
    expect(result.message).toContain('G2RL_NATIVE_DISABLE=1');
  });
});
