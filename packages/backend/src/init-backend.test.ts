import * as tf from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BACKEND_ORDER, initBackend, resolvePreference } from './init-backend.js';
import { wasmBinaryFolder } from './wasm-paths.js';
import { existsSync } from 'node:fs';

afterEach(() => {
  delete process.env.G2RL_BACKEND;
  vi.restoreAllMocks();
});

describe('resolvePreference', () => {
  it('takes prefer over G2RL_BACKEND, and auto when neither is set', () => {
    expect(resolvePreference('cpu', 'wasm')).toBe('cpu');
    expect(resolvePreference(undefined, 'wasm')).toBe('wasm');
    expect(resolvePreference(undefined, undefined)).toBe('auto');
    expect(resolvePreference(undefined, '')).toBe('auto');
  });

  it('names the source and the allowed values on a bad value', () => {
    expect(() => resolvePreference(undefined, 'gpu')).toThrow(
      /env G2RL_BACKEND = 'gpu' is not a backend; use one of auto, tensorflow-gpu, tensorflow, native, wasm, cpu/,
    );
    expect(() => resolvePreference('tpu')).toThrow(/initBackend\(\{ prefer \}\) = 'tpu'/);
  });
});

describe('wasmBinaryFolder', () => {
  it('is the installed package folder holding the .wasm files (a path, not a URL)', () => {
    const folder = wasmBinaryFolder();
    expect(folder).toMatch(/tfjs-backend-wasm[/\\]dist[/\\]$/);
    expect(existsSync(`${folder}tfjs-backend-wasm-simd.wasm`)).toBe(true);
  });
});

describe('initBackend', () => {
  it('auto: reports each faster backend it skipped and why, then uses the first that loads', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const result = await initBackend();
    const tried = [...result.skipped.map((s) => s.backend), result.name];
    expect(tried).toEqual(BACKEND_ORDER.slice(0, tried.length));
    for (const s of result.skipped) expect(s.reason.length).toBeGreaterThan(0);
    expect(tf.getBackend()).toBe(result.tfBackend);
    expect(info).toHaveBeenCalledWith(expect.stringContaining(`using ${result.name}`));
  });

  it('wasm, from env G2RL_BACKEND, quiet: wasm with the training kernels registered', async () => {
    process.env.G2RL_BACKEND = 'wasm';
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const result = await initBackend({ quiet: true });
    expect(result).toEqual({ name: 'wasm', tfBackend: 'wasm', skipped: [] });
    expect(info).not.toHaveBeenCalled();
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it('native through an app-supplied loader: calls registerNativeBackend and activates the name it returns', async () => {
    let called = 0;
    const result = await initBackend({
      prefer: 'native',
      quiet: true,
      loaders: { native: async () => ({ registerNativeBackend: () => (called++, 'cpu') }) },
    });
    expect(called).toBe(1);
    expect(result).toMatchObject({ name: 'native', tfBackend: 'cpu' });
    await expect(
      initBackend({ prefer: 'native', quiet: true, loaders: { native: async () => ({}) } }),
    ).rejects.toThrow(/'native' cannot be used: @g2rl\/backend-native has no registerNativeBackend\(\) export/);
  });

  it('cpu on request', async () => {
    expect((await initBackend({ prefer: 'cpu', quiet: true })).tfBackend).toBe('cpu');
  });

  it('an explicitly requested backend that cannot load is an error naming it and why', async () => {
    let tfjsNode = true;
    try {
      await import('@tensorflow/tfjs-node' as string);
    } catch {
      tfjsNode = false;
    }
    if (tfjsNode) return; // installed here: nothing to fail
    await expect(initBackend({ prefer: 'tensorflow', quiet: true })).rejects.toThrow(
      /the requested backend 'tensorflow' cannot be used: @tensorflow\/tfjs-node is not installed/,
    );
  });
});
