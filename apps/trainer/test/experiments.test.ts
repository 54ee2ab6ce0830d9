/**
 * The research workflow as a newcomer runs it: DISFA exactly as distributed (the SciPy/ffmpeg
 * fixture of @g2rl/datasets) → prepare → benchmark, with default reader options; and the
 * seeded ablation and data-efficiency runs on tiny synthetic data. Every command is resumable:
 * run again, it reuses finished runs and writes the same results.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'cli.js');
const fixtures = join(here, '..', '..', '..', 'packages', 'datasets', 'test', 'fixtures');
const tiny = ['--epochs', '1', '--geometry-epochs', '1', '--batch-size', '2', '--backend', 'wasm', '--resamples', '200'];

const ffmpegMissing = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status !== 0;
if (ffmpegMissing && process.env.CI) throw new Error('CI: ffmpeg is required for the DISFA workflow test (apt-get install ffmpeg)');

function run(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
  expect(result.status, result.stderr).toBe(0);
  return result;
}

describe.skipIf(ffmpegMissing)('DISFA as distributed: prepare, then benchmark (default reader options)', () => {
  it('prints each subject’s numbering and gap, then the 3-fold table with intervals and provenance', () => {
    const work = mkdtempSync(join(tmpdir(), 'g2rl-benchmark-'));
    cpSync(join(fixtures, 'disfa-distributed'), join(work, 'DISFA'), { recursive: true });
    const prepared = run(work, 'prepare', '--data', 'disfa', '--data-path', 'DISFA', '--quiet');
    expect(prepared.stdout).toContain('SN001: 5 labelled frames, video 5 frames, 5 landmark files (subject-frame, from-0: a file is numbered 0), no gaps; 5 samples');
    expect(prepared.stdout).toContain('SN003: 5 labelled frames, video 5 frames, 4 landmark files (subject-frame, from-0: a file is numbered 0), 1 landmark gap (frame 3) left out; 4 samples');
    expect(prepared.stdout).toContain('SN006: 5 labelled frames, video 5 frames, 5 landmark files (l-frame, from-1');

    const first = run(work, 'benchmark', '--data', 'disfa', '--data-path', 'DISFA', '--name', 'b', ...tiny, '--quiet');
    expect(first.stdout).toMatch(/DISFA 3-fold subject-independent: 3 folds, each subject tested once\. Held out: 14 frames of 3 subjects/);
    expect(first.stdout).toMatch(/\| ICC\(3,1\) \|.*\| \*\*-?\d\.\d{3}\*\* \|/);
    const result = JSON.parse(readFileSync(join(work, 'runs', 'b-benchmark', 'results.json'), 'utf8'));
    expect(result.folds.map((f: { testSubjects: string[] }) => f.testSubjects)).toEqual([['SN001'], ['SN006'], ['SN003']]);
    expect(result.rows).toHaveLength(13);
    for (const row of result.rows) expect(row.iccInterval.low).toBeLessThanOrEqual(row.iccInterval.high);
    // the labels scored are exactly the label files' (the gap frame left out), hashed here from the fixture writer's own values
    const expected = JSON.parse(readFileSync(join(fixtures, 'disfa-distributed.expected.json'), 'utf8'));
    const lines = Object.entries(expected.subjects as Record<string, { frames: Record<string, { landmarks: unknown; intensities: number[] }> }>).flatMap(([subject, { frames }]) =>
      Object.entries(frames).filter(([, f]) => f.landmarks).map(([frame, f]) => `${subject}/${frame}\t${expected.aus.map((au: number, a: number) => `${au}:${f.intensities[a]}`).join(',')}`));
    expect(result.labelChecksum).toBe(`sha256:${createHash('sha256').update(lines.sort().join('\n')).digest('hex')}`);
    expect(result.config.data.disfa).toEqual({ camera: 'left', landmarkNumbering: 'auto', videosDir: null });
    expect(Object.keys(result.versions)).toEqual(expect.arrayContaining(['@g2rl/trainer', '@g2rl/datasets', '@g2rl/metrics', 'node']));
    const csv = readFileSync(join(work, 'runs', 'b-benchmark', 'results.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('au,n,icc,icc_low,icc_high,mae,pcc');
    expect(csv).toHaveLength(14);

    // again: every fold is reused, the results are the same
    const again = spawnSync(process.execPath, [cli, 'benchmark', '--data', 'disfa', '--data-path', 'DISFA', '--name', 'b', ...tiny, '--json'], { cwd: work, encoding: 'utf8', timeout: 300_000 });
    expect(again.stdout.match(/finished earlier with this config/g)).toHaveLength(3);
    expect(JSON.parse(readFileSync(join(work, 'runs', 'b-benchmark', 'results.json'), 'utf8')).rows).toEqual(result.rows);
  });
});

describe('ablation --seeds and data-efficiency on tiny synthetic data', () => {
  it('pairs G2RL and λ = 0 per seed and reports the difference with its interval', () => {
    const work = mkdtempSync(join(tmpdir(), 'g2rl-ablation-'));
    const data = ['--identities', '8', '--frames', '4', '--data-path', 'synthetic'];
    const out = run(work, 'ablation', '--name', 'a', '--seeds', '2', '--lambda', '0.1', ...data, ...tiny, '--quiet');
    expect(out.stdout).toMatch(/Paired difference of mean ICC\(3,1\), G2RL − λ = 0: \*\*[+−]\d\.\d{3}\*\*, 95 % interval \[[+−]\d\.\d{3}, [+−]\d\.\d{3}\]/);
    expect(out.stdout).toContain('uncalibrated (the config keeps no validation subjects)');
    const result = JSON.parse(readFileSync(join(work, 'runs', 'a-ablation', 'ablation.json'), 'utf8'));
    expect(result.seeds).toEqual([1, 2]);
    expect(result.config.data.syntheticSeed).toBe(1); // one data set for every seed
    expect(result.scoring).toEqual({ calibrated: false, validationIdentities: 0 });
    const { difference, perEvaluation } = result.comparison;
    expect(perEvaluation).toHaveLength(2);
    expect(difference.estimate).toBeCloseTo((perEvaluation[0].difference + perEvaluation[1].difference) / 2, 12);
    for (const e of perEvaluation) expect(e.difference).toBeCloseTo(e.a - e.b, 12);
    // the two arms of a seed are scored on the same frames
    const g = JSON.parse(readFileSync(join(work, 'runs', 'a-seed2-g2rl', 'evaluation.json'), 'utf8'));
    const b = JSON.parse(readFileSync(join(work, 'runs', 'a-seed2-baseline', 'evaluation.json'), 'utf8'));
    expect(g.ids).toEqual(b.ids);
    expect([g.lambda, b.lambda]).toEqual([0.1, 0]);
    expect(g.calibration).toBeUndefined();

    const efficiency = run(work, 'data-efficiency', '--name', 'e', '--train-subjects', '2,4', '--lambda', '0.1', ...data, ...tiny, '--quiet');
    expect(efficiency.stdout).toMatch(/\| 2 \| \d+ \|.*\n\| 4 \| \d+ \|/);
    const table = JSON.parse(readFileSync(join(work, 'runs', 'e-data-efficiency', 'data-efficiency.json'), 'utf8'));
    expect(table.rows.map((r: { trainSubjects: number }) => r.trainSubjects)).toEqual([2, 4]);
    const two = JSON.parse(readFileSync(join(work, 'runs', 'e-2subjects-seed1-g2rl', 'evaluation.json'), 'utf8'));
    const four = JSON.parse(readFileSync(join(work, 'runs', 'e-4subjects-seed1-g2rl', 'evaluation.json'), 'utf8'));
    expect(two.split.trainSubjects).toHaveLength(2);
    expect(two.split.trainSubjects.every((s: string) => four.split.trainSubjects.includes(s))).toBe(true);
    expect(two.split.testSubjects).toEqual(four.split.testSubjects);
  });

  it('with validation subjects (as the demo preset): both arms scored on the test subjects, each calibrated on its own validation subjects', () => {
    const work = mkdtempSync(join(tmpdir(), 'g2rl-ablation-calibrated-'));
    const data = ['--identities', '12', '--frames', '4', '--validation-subjects', '3', '--data-path', 'synthetic'];
    const out = run(work, 'ablation', '--name', 'v', '--lambda', '0.1', ...data, ...tiny, '--quiet');
    expect(out.stdout).toContain("calibrated per AU (sd(truth)/sd(predicted)) on each arm's own 3 validation subjects, as `demo` does");
    expect(out.stdout).toMatch(/Without the calibration \(the same test frames, uncalibrated decode\): [+−]\d\.\d{3} \[/);
    const result = JSON.parse(readFileSync(join(work, 'runs', 'v-ablation', 'ablation.json'), 'utf8'));
    expect(result.scoring).toMatchObject({ calibrated: true, validationIdentities: 3 });
    for (const arm of ['g2rl', 'baseline']) {
      const e = JSON.parse(readFileSync(join(work, 'runs', `v-seed1-${arm}`, 'evaluation.json'), 'utf8'));
      const card = JSON.parse(readFileSync(join(work, 'runs', `v-seed1-${arm}`, 'model', 'model-card.json'), 'utf8'));
      // scored on the test subjects (3 validation subjects kept out of training and of scoring) …
      expect(e.split.description).toMatch(/fold 1 of 5, 3 validation subjects kept out$/);
      expect(e.calibration.fittedOn).toMatch(/validation subjects \(3, seed 1\)$/);
      // … with the factors the arm's own card carries, applied to its uncalibrated test decode
      expect(e.calibration.scale).toEqual(card.heatmap.scale);
      expect(e.predictions).toEqual(e.calibration.uncalibratedPredictions.map((row: (number | null)[]) => row.map((v, a) => (v === null ? null : Math.min(5, Math.max(0, v * e.calibration.scale[a]))))));
    }
    // A run trained and scored but stopped before its calibration: calibrated on the next call, not trained again.
    const file = join(work, 'runs', 'v-seed1-g2rl', 'evaluation.json');
    const e = JSON.parse(readFileSync(file, 'utf8'));
    const { calibration, ...uncalibrated } = e;
    writeFileSync(file, JSON.stringify({ ...uncalibrated, predictions: calibration.uncalibratedPredictions, report: calibration.uncalibratedReport }));
    const again = run(work, 'ablation', '--name', 'v', '--lambda', '0.1', ...data, ...tiny, '--json');
    expect(again.stdout).toContain('v-seed1-g2rl: calibrated on 3 validation subjects');
    expect(again.stdout.match(/finished earlier with this config/g)).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(work, 'runs', 'v-ablation', 'ablation.json'), 'utf8')).comparison).toEqual(result.comparison);
  });
});

describe('demo: validation subjects for tuning, the calibration fitted on them, the test subjects scored once', () => {
  it('trains on neither, calibrates on validation, writes the factors into the card and scores the test subjects', () => {
    const work = mkdtempSync(join(tmpdir(), 'g2rl-demo-'));
    const out = run(work, 'demo', '--identities', '12', '--frames', '4', '--validation-subjects', '3', '--data-path', 'synthetic', ...tiny.slice(0, -2), '--quiet');
    // First the run's own report, on the validation subjects; then the calibration; then test.
    expect(out.stdout).toMatch(/Held-out evaluation \(subject 5-fold \(seed 1\), fold 1 of 5, validation subjects \(3, seed 1\); \d+ images of 3 subjects/);
    expect(out.stdout).toMatch(/Calibration on .*validation subjects \(3, seed 1\): \d+ images of 3 subjects \(never the test subjects\)/);
    expect(out.stdout).toMatch(/subject 5-fold \(seed 1\), fold 1 of 5, 3 validation subjects kept out, \d+ images:\nAU /);
    const card = JSON.parse(readFileSync(join(work, 'runs', 'demo', 'model', 'model-card.json'), 'utf8'));
    expect(card.heatmap.scale).toHaveLength(12);
    expect(card.heatmap.scale.every((f: number) => f >= 1 && f <= 4)).toBe(true);
    const calibration = JSON.parse(readFileSync(join(work, 'runs', 'demo', 'calibration.json'), 'utf8'));
    const config = JSON.parse(readFileSync(join(work, 'runs', 'demo', 'config.json'), 'utf8'));
    expect(config.data.heldOut).toBe('validation');
    expect(calibration.scale).toEqual(card.heatmap.scale);
    // Calibrating again starts from the uncalibrated decode: the same factors.
    run(work, 'calibrate', '--preset', 'demo', '--identities', '12', '--frames', '4', '--validation-subjects', '3', '--data-path', 'synthetic', '--backend', 'wasm', '--quiet');
    expect(JSON.parse(readFileSync(join(work, 'runs', 'demo', 'model', 'model-card.json'), 'utf8')).heatmap.scale).toEqual(card.heatmap.scale);
  });
});
