/**
 * A training sweep on a real Redis queue (redis-server started here on a free port): `cv
 * --queue` with 3 folds, trained by two `g2rl-train worker` processes, writes the same pooled
 * report as the in-process `cv`; run again, it reuses every finished fold.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '@g2rl/queue/testing';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'cli.js');
const tiny = ['--identities', '6', '--frames', '4', '--data-path', 'synthetic', '--epochs', '1', '--geometry-epochs', '1', '--batch-size', '2', '--backend', 'wasm', '--quiet'];

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.dispose();
});

describe('g2rl-train cv --queue and g2rl-train worker', () => {
  it('two workers train the 3 folds; the pooled report equals the in-process cv', async () => {
    const work = mkdtempSync(join(tmpdir(), 'g2rl-sweep-'));
    writeFileSync(join(work, 'three-folds.json'), JSON.stringify({ data: { testFraction: 0.34 } }));
    const common = ['--config', 'three-folds.json', ...tiny];
    const local = spawnSync(process.execPath, [cli, 'cv', '--name', 'local', ...common], { cwd: work, encoding: 'utf8', timeout: 600_000 });
    expect(local.status, local.stderr).toBe(0);

    const workers = [0, 1].map(() => spawn(process.execPath, [cli, 'worker', '--redis', redis.url, '--backend', 'wasm'], { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] }));
    const logs = workers.map((w) => {
      let text = '';
      w.stderr!.on('data', (c: Buffer) => (text += c.toString()));
      w.stdout!.on('data', (c: Buffer) => (text += c.toString()));
      return () => text;
    });
    try {
      const queued = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const c = spawn(process.execPath, [cli, 'cv', '--name', 'queued', '--queue', redis.url, ...common], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        c.stdout.on('data', (d: Buffer) => (out += d.toString()));
        c.stderr.on('data', (d: Buffer) => (out += d.toString()));
        c.on('exit', (code) => resolve({ code, out }));
      });
      expect(queued.code, queued.out + logs.map((l) => l()).join('\n')).toBe(0);
    } finally {
      for (const w of workers) w.kill('SIGTERM');
      await Promise.all(workers.map((w) => new Promise((r) => w.on('exit', r))));
    }
    const localReport = JSON.parse(readFileSync(join(work, 'runs', 'local-cv', 'report.json'), 'utf8'));
    const queuedReport = JSON.parse(readFileSync(join(work, 'runs', 'queued-cv', 'report.json'), 'utf8'));
    expect(localReport.aus).toHaveLength(12);
    expect(queuedReport).toEqual(localReport);
    // both workers took part, each fold was trained once
    const trained = logs.map((l) => (l().match(/worker: queued-fold\d \(attempt 1\)/g) ?? []).length);
    expect(trained.reduce((a, b) => a + b, 0), logs.map((l) => l()).join("\n---\n").slice(0, 3000)).toBe(3);

    // again: every fold is finished, nothing is queued, the same report
    const again = spawnSync(process.execPath, [cli, 'cv', '--name', 'queued', '--queue', redis.url, ...common.filter((f) => f !== '--quiet')], { cwd: work, encoding: 'utf8', timeout: 120_000 });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout + again.stderr).toContain('queue: 0 run(s) queued, 3 finished or queued already');
    expect(JSON.parse(readFileSync(join(work, 'runs', 'queued-cv', 'report.json'), 'utf8'))).toEqual(localReport);
  }, 900_000);
});
