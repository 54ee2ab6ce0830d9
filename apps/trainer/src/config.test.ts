import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, PRESETS, mergeConfig, resolveConfig } from './config.js';
import { configHash } from './config-hash.js';
import { UserError } from './errors.js';

describe('resolveConfig', () => {
  it('layers preset, file and flags in that order', () => {
    const dir = mkdtempSync(join(tmpdir(), 'g2rl-config-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'train:\n  epochs: 9\n  lambda: 0.3\nseed: 7\n');
    const config = resolveConfig({ preset: 'demo', file, overrides: { train: { lambda: 0 } } });
    expect(config.name).toBe('demo');
    expect(config.train.epochs).toBe(9);
    expect(config.train.lambda).toBe(0);
    expect(config.seed).toBe(7);
    expect(config.train.batchSize).toBe(DEFAULT_CONFIG.train.batchSize);
  });

  it('names the bad field and what would be right', () => {
    expect(() => resolveConfig({ overrides: { train: { batchSize: 0 } } })).toThrow(/train\.batchSize must be an integer in \[1, 1024\], got 0/);
    expect(() => resolveConfig({ overrides: { model: { preset: 'huge' as 'small' } } })).toThrow(/model\.preset must be one of "small", "paper"/);
    expect(() => resolveConfig({ overrides: { train: { lambda: 1 } } })).toThrow(UserError);
    expect(() => resolveConfig({ preset: 'nope' })).toThrow(/unknown preset "nope"/);
    expect(() => resolveConfig({ overrides: { workers: 0 } })).toThrow(/field workers must be an integer in \[1, 64\], got 0/);
    expect(() => resolveConfig({ overrides: { workers: 'many' as never } })).toThrow(/field workers/);
    expect(resolveConfig({ overrides: { workers: 2 } }).workers).toBe(2);
    expect(resolveConfig({}).workers).toBe('auto');
  });

  it('rejects unknown fields, naming them', () => {
    expect(() => resolveConfig({ overrides: { train: { epoch: 3 } as never } })).toThrow(/unknown field train\.epoch/);
  });

  it('names a config file that is not valid JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'g2rl-config-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, '{ "seed": ');
    expect(() => resolveConfig({ file })).toThrow(new RegExp(`config file ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid`));
    expect(() => resolveConfig({ file: join(dir, 'missing.json') })).toThrow(/cannot be read/);
  });
});

describe('deprecated names', () => {
  it('reads train.lambdaWarmupEpochs and geometryMode "frozen" as their new names, with a message naming both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'g2rl-config-'));
    const file = join(dir, 'old.json');
    writeFileSync(file, JSON.stringify({ train: { lambdaWarmupEpochs: 2, geometryMode: 'frozen' } }));
    const messages: string[] = [];
    const config = resolveConfig({ file, warn: (m) => messages.push(m) });
    expect(config.train.projectionWarmupEpochs).toBe(2);
    expect(config.train.geometryMode).toBe('pretrained-frozen');
    expect('lambdaWarmupEpochs' in config.train).toBe(false);
    expect(messages).toEqual([
      expect.stringMatching(new RegExp(`^config \\(${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\): field train\\.lambdaWarmupEpochs is deprecated, use train\\.projectionWarmupEpochs`)),
      expect.stringMatching(/train\.geometryMode "frozen" is deprecated, use "pretrained-frozen"/),
    ]);
    // Same resolved config, same hash, as with today's names.
    expect(configHash(config)).toBe(configHash(resolveConfig({ overrides: { train: { projectionWarmupEpochs: 2 } } })));
  });

  it('refuses the old and the new name together, naming both fields', () => {
    expect(() => resolveConfig({ overrides: { train: { lambdaWarmupEpochs: 1, projectionWarmupEpochs: 1 } as never }, warn: () => {} })).toThrow(
      /config \(flags\): fields train\.lambdaWarmupEpochs and train\.projectionWarmupEpochs are the same setting/,
    );
    expect(() => resolveConfig({ overrides: { train: { projectionWarmupEpochs: -1 } } })).toThrow(/field train\.projectionWarmupEpochs must be an integer/);
  });

  it("the demo preset's resolved config is unchanged by the renames but for the two names", () => {
    const demo = resolveConfig({ preset: 'demo' });
    expect(demo.train.projectionWarmupEpochs).toBe(PRESETS.demo.train!.projectionWarmupEpochs);
    expect(demo.train.geometryMode).toBe('pretrained-frozen');
  });
});

describe('mergeConfig', () => {
  it('replaces arrays and merges objects', () => {
    expect(mergeConfig({ a: [1, 2], b: { c: 1, d: 2 } }, { a: [3], b: { d: 5 } })).toEqual({ a: [3], b: { c: 1, d: 5 } });
  });
});
