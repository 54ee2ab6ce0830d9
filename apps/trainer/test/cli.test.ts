import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { flagsToOverrides } from '../src/cli.js';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: mkdtempSync(join(tmpdir(), 'g2rl-cli-')), timeout: 60_000 });

describe('g2rl-train user errors: one clear line, exit code 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown command', ['fly'], /unknown command "fly"/],
    ['unknown flag', ['train', '--bogus'], /Unknown option '--bogus'/],
    ['unknown preset', ['train', '--preset', 'huge'], /unknown preset "huge"; known presets: demo, small, paper/],
    ['validation without validation subjects', ['train', '--held-out', 'validation'], /field data.validationSubjects must be above 0 when data.heldOut is "validation", got 0/],
    ['bad held-out', ['train', '--held-out', 'both'], /field data.heldOut must be one of "test", "validation", got "both"/],
    ['calibrate without validation subjects', ['calibrate', '--name', 'x'], /calibrate: the split has no validation subjects; set data.validationSubjects/],
    ['bad field value', ['train', '--batch-size', '0'], /train\.batchSize must be an integer in \[1, 1024\], got 0/],
    ['not a number', ['train', '--epochs', 'many'], /--epochs: expected a number, got "many"/],
    ['unknown model preset', ['train', '--model-preset', 'tiny'], /model\.preset must be one of "small", "paper"/],
    ['missing data path', ['train', '--data', 'manifest', '--data-path', '/nonexistent/manifest.jsonl'], /nonexistent\/manifest\.jsonl/],
    ['missing model', ['eval', '--model', '/nonexistent/model'], /no exported model in \/nonexistent\/model/],
    ['resume without checkpoint', ['train', '--name', 'never', '--resume', '--data', 'manifest', '--data-path', '/nonexistent/m.jsonl'], /nonexistent|no checkpoint/],
  ];
  for (const [what, args, message] of cases) {
    it(what, () => {
      const result = run(...args);
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('names the field of a bad config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'g2rl-cli-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'train:\n  lambda: 2\n');
    const result = run('train', '--config', file);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`config (${file}): field train.lambda must be a number in [0, 1], got 2`);
  });

  it('prints help with examples for every command', () => {
    for (const command of ['demo', 'synth', 'prepare', 'train', 'calibrate', 'eval', 'cv', 'benchmark', 'ablation', 'data-efficiency', 'export', 'predict']) {
      const result = run(command, '--help');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`g2rl-train ${command} —`);
      expect(result.stdout).toContain('Examples:');
    }
  });
});

describe('flagsToOverrides', () => {
  it('maps flags onto config fields', () => {
    expect(flagsToOverrides({ epochs: '3', lambda: '0', aus: 'AU1,2,12', 'skip-bad': true, data: 'disfa' })).toMatchObject({
      data: { aus: [1, 2, 12], skipBad: true, kind: 'disfa' },
      train: { epochs: 3, lambda: 0 },
    });
    expect(flagsToOverrides({ 'validation-subjects': '40', 'held-out': 'validation' })).toMatchObject({ data: { validationSubjects: 40, heldOut: 'validation' } });
  });
  it('rejects malformed AU lists', () => {
    expect(() => flagsToOverrides({ aus: '1,two' })).toThrow(/--aus: expected AU numbers/);
  });
});
