// g2rl-analyze as a user runs it (the built bin): a folder with a photo, a cat and a
// truncated JPEG → a CSV with the photo's face, one stderr line naming the broken file, no
// stack trace, no third-party banner, exit code 1; usage errors exit 2.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(packageDir, 'dist', 'cli.js');
const fixtures = join(packageDir, 'test', 'fixtures');

const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, G2RL_TFJS_WARNINGS: '' } });

describe('g2rl-analyze', () => {
  it('analyses a folder, reports the broken file and goes on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'g2rl-analyze-'));
    copyFileSync(join(fixtures, 'grace-hopper.jpg'), join(dir, 'a-hopper.jpg'));
    copyFileSync(join(fixtures, 'chelsea-cat.jpg'), join(dir, 'b-cat.jpg'));
    writeFileSync(join(dir, 'c-truncated.jpg'), readFileSync(join(fixtures, 'grace-hopper.jpg')).subarray(0, 1500));
    const out = join(dir, 'results.csv');
    const result = run([dir, '--out', out]);
    expect(result.status).toBe(1);
    const errors = result.stderr.trim().split('\n').filter((l) => !l.includes(' images, '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^g2rl-analyze: .*c-truncated\.jpg: /);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(result.stderr + result.stdout).not.toMatch(/TensorFlow\.js in Node\.js/);
    expect(result.stderr).toMatch(/3 images, 1 faces, 1 with no face, 1 errors/);
    const [header, ...rows] = readFileSync(out, 'utf8').trim().split('\n');
    const columns = header!.split(',');
    expect(columns.slice(0, 8)).toEqual(['image', 'face', 'box_x', 'box_y', 'box_width', 'box_height', 'confidence', 'quality']);
    expect(columns).toContain('x_67');
    expect(columns.slice(-12)).toEqual(['AU01_r', 'AU02_r', 'AU04_r', 'AU05_r', 'AU06_r', 'AU09_r', 'AU12_r', 'AU15_r', 'AU17_r', 'AU20_r', 'AU25_r', 'AU26_r']);
    expect(rows).toHaveLength(1);
    const row = rows[0]!.split(',');
    expect(row).toHaveLength(columns.length);
    expect(row[0]).toMatch(/a-hopper\.jpg$/);
    for (const v of row.slice(-12)) expect(Number(v)).toBeGreaterThanOrEqual(0);
  }, 120_000);

  it('writes JSON lines and exits 0 when every input is fine', () => {
    const dir = mkdtempSync(join(tmpdir(), 'g2rl-analyze-'));
    const out = join(dir, 'r.jsonl');
    const result = run([join(fixtures, 'grace-hopper.jpg'), '--out', out, '-q']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const line = JSON.parse(readFileSync(out, 'utf8').trim());
    expect(line.faces[0].aus).toHaveLength(12);
  }, 120_000);

  it('usage errors exit 2 with a hint', () => {
    const none = run([]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/give at least one image/);
    expect(run(['x.jpg', '--max-faces', 'zero']).stderr).toMatch(/--max-faces must be an integer/);
    expect(run(['--help']).stdout).toMatch(/Usage: g2rl-analyze/);
  });
});
