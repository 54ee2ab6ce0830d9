import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig } from './config.js';
import { configHash } from './config-hash.js';

describe('configHash', () => {
  it('ignores the run name, folder and backend, not the training settings', () => {
    const a = configHash(DEFAULT_CONFIG);
    expect(configHash(mergeConfig(DEFAULT_CONFIG, { name: 'other', backend: 'cpu' }))).toBe(a);
    expect(configHash(mergeConfig(DEFAULT_CONFIG, { train: { lambda: 0.2 } }))).not.toBe(a);
  });

  it('ignores the worker count, and is the same as before the field existed (old checkpoints resume)', () => {
    const a = configHash(DEFAULT_CONFIG);
    expect(configHash(mergeConfig(DEFAULT_CONFIG, { workers: 2 }))).toBe(a);
    const { workers: _workers, ...older } = DEFAULT_CONFIG;
    expect(configHash(older as typeof DEFAULT_CONFIG)).toBe(a);
  });
});
