/**
 * "Nothing lost": a run killed mid-epoch and resumed from its checkpoint ends exactly where
 * a run that was never stopped ends (same exported weights, same report), in one process and
 * with data-parallel replicas (whose result depends on nothing but the config and their count).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const work = mkdtempSync(join(tmpdir(), 'g2rl-resume-'));
const common = [
  '--identities', '5', '--frames', '6', '--epochs', '2', '--batch-size', '4', '--geometry-epochs', '2',
  '--runs-dir', join(work, 'runs'), '--cache-dir', join(work, 'cache'), '--data-path', join(work, 'synthetic'),
  '--backend', 'wasm', '--json',
];

/** Runs the CLI; if `killAtStep` is set, sends SIGTERM when that training step is reported. */
function train(name: string, extra: string[] = [], killAtStep?: number): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'train', '--name', name, ...common, ...extra], { cwd: work });
    let out = '';
    let err = '';
    let sent = false;
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (killAtStep === undefined || sent) return;
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        const event = JSON.parse(line);
        if (event.phase === 'train' && event.epoch === 1 && event.step === killAtStep) {
          sent = true;
          child.kill('SIGTERM');
          break;
        }
      }
    });
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const weights = (name: string) => readFileSync(join(work, 'runs', name, 'model', 'weights.bin'));
const report = (name: string) => JSON.parse(readFileSync(join(work, 'runs', name, 'report.json'), 'utf8'));

describe('train --resume', () => {
  it('a run stopped mid-epoch and resumed equals one never stopped', async () => {
    const whole = await train('whole');
    expect(whole.code, whole.err).toBe(0);

    const stopped = await train('stopped', [], 2);
    expect(stopped.code, stopped.err).toBe(130);
    expect(stopped.err).toContain('checkpoint saved');
    expect(existsSync(join(work, 'runs', 'stopped', 'checkpoints', 'last.ckpt'))).toBe(true);
    expect(existsSync(join(work, 'runs', 'stopped', 'model', 'model.json'))).toBe(false);

    const resumed = await train('stopped', ['--resume']);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toContain('resumed from');

    expect(weights('stopped').equals(weights('whole'))).toBe(true);
    expect(report('stopped').mean).toEqual(report('whole').mean);
  }, 600_000);

  it('with 2 data-parallel replicas: stopped mid-epoch and resumed (asking for 1) equals a run never stopped', async () => {
    const two = ['--workers', '2'];
    const whole = await train('whole2', two);
    expect(whole.code, whole.err).toBe(0);
    expect(whole.out).toContain('data-parallel: 2 replicas');

    const stopped = await train('stopped2', two, 2);
    expect(stopped.code, stopped.err).toBe(130);
    const resumed = await train('stopped2', ['--resume', '--workers', '1']);
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.out).toContain("resuming with the checkpoint's 2 data-parallel replicas");

    expect(weights('stopped2').equals(weights('whole2'))).toBe(true);
    expect(report('stopped2').mean).toEqual(report('whole2').mean);
  }, 600_000);
});
