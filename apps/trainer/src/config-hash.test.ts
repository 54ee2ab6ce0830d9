import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, mergeConfig } from './config.js';
import { configHash } from './config-hash.js';

describe('configHash', () => {
  it('ignores the run name, folder and backend, not the training settings', () => {
    const a = configHash(DEFAULT_CONFIG);
    expect(configHash(mergeConfig(DEFAULT_CONFIG, { name: 'other', backend: 'cpu' }))).toBe(a);
    expect(configHash(mergeConfig(DEFAULT_CONFIG, { train: { lambda: 0.2 } }))).not.toBe(a);
  });
});
