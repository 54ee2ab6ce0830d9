// g2rl-analyze on videos as a user runs it (the built bin), on clips ffmpeg makes from a real
// photo: one row per frame, OpenFace's columns (read back by pandas, or Python's csv module
// where pandas is missing), timestamps at 1/fps, one stable face id; --every/--start/--end,
// JSON lines, calibration and smoothing; image sequences; bad input as one line each; Ctrl-C
// leaves a valid partial CSV and --resume completes it exactly. The wasm backend keeps it fast.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ffmpeg, testDir, zoomClip } from './test-videos.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(packageDir, 'dist', 'cli.js');
const HOPPER = join(packageDir, 'test', 'fixtures', 'grace-hopper.jpg');
const CAT = join(packageDir, 'test', 'fixtures', 'chelsea-cat.jpg');
const env = { ...process.env, G2RL_BACKEND: 'wasm' };
const run = (args: string[], cwd?: string) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env, cwd });
const AUS = ['AU01_r', 'AU02_r', 'AU04_r', 'AU05_r', 'AU06_r', 'AU09_r', 'AU12_r', 'AU15_r', 'AU17_r', 'AU20_r', 'AU25_r', 'AU26_r'];

/** The CSV as Python reads it: pandas when installed, else the csv module (which is said). */
function readWithPython(csv: string): { reader: string; columns: string[]; rows: Record<string, string>[] } {
  const script = `
import json, sys
try:
    import pandas as pd
    d = pd.read_csv(sys.argv[1], keep_default_na=True)
    print(json.dumps({"reader": "pandas", "columns": list(d.columns), "rows": json.loads(d.astype(str).to_json(orient="records"))}))
except ImportError:
    import csv
    with open(sys.argv[1], newline="") as f:
        r = list(csv.DictReader(f))
    print(json.dumps({"reader": "csv", "columns": list(r[0].keys()) if r else [], "rows": r}))
`;
  const py = spawnSync('/usr/bin/python3', ['-c', script, csv], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (py.status !== 0) throw new Error(py.stderr);
  return JSON.parse(py.stdout);
}

describe('g2rl-analyze on video', () => {
  const dir = testDir();
  const clip = zoomClip(HOPPER, join(dir, 'hopper zoom.mp4'), 2, 25, '320x240');

  it('a zoom over a real photo: one row per frame, OpenFace columns, 1/fps timestamps, one face id, AUs in [0, 5]', () => {
    const out = join(dir, 'hopper.csv');
    const result = run([clip, '--out', out]);
    expect(result.stderr).toMatch(/hopper zoom\.mp4: 50 frames → .*hopper\.csv \(\d+ with a face, 1 face id/);
    expect(result.status).toBe(0);
    expect(existsSync(join(dir, 'hopper.partial.csv'))).toBe(false);
    const { reader, columns, rows } = readWithPython(out);
    console.log(`CSV read back by Python's ${reader}`);
    expect(columns.slice(0, 5)).toEqual(['frame', 'face_id', 'timestamp', 'confidence', 'success']);
    expect(columns.slice(5, 7)).toEqual(['x_0', 'x_1']);
    expect(columns.slice(73, 75)).toEqual(['y_0', 'y_1']);
    expect(columns.slice(-12)).toEqual(AUS);
    expect(rows.map((r) => Number(r.frame))).toEqual(Array.from({ length: 50 }, (_, k) => k + 1));
    rows.forEach((r, k) => expect(Number(r.timestamp)).toBeCloseTo(k / 25, 6));
    expect(new Set(rows.map((r) => r.face_id))).toEqual(new Set(['0']));
    expect(rows.filter((r) => Number(r.success) === 1).length).toBeGreaterThanOrEqual(48);
    for (const r of rows.filter((x) => Number(x.success) === 1)) {
      for (const au of AUS) {
        expect(Number(r[au])).toBeGreaterThanOrEqual(0);
        expect(Number(r[au])).toBeLessThanOrEqual(5);
      }
      // the nose tip (iBUG 30) is inside the 320×240 frame
      expect(Number(r.x_30)).toBeGreaterThan(0);
      expect(Number(r.x_30)).toBeLessThan(320);
    }
  });

  it('--every, --start, --end, JSON lines, calibration and smoothing', () => {
    const out = join(dir, 'part.jsonl');
    const result = run([clip, '--out', out, '--every', '2', '--start', '0.4', '--end', '1.6', '--calibrate', 'video', '--smooth', '3', '-q']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // frames at 0.40 … 1.52 s, every second one: 11, 13, …, 39
    expect(lines.map((l) => l.frame)).toEqual(Array.from({ length: 15 }, (_, i) => 11 + 2 * i));
    lines.forEach((l) => expect(l.timestamp).toBeCloseTo((l.frame - 1) / 25, 6));
    const faces = lines.filter((l) => l.success === 1);
    expect(faces.length).toBeGreaterThanOrEqual(14);
    expect(faces[0].landmarks).toHaveLength(68);
    for (const au of AUS) {
      const values = faces.map((l) => l.aus[au] as number);
      for (const v of values) { expect(v).toBeGreaterThanOrEqual(0); expect(v).toBeLessThanOrEqual(5); }
      // calibrated: the person's 20th percentile is now 0, so the smallest (smoothed) value is near 0
      expect(Math.min(...values)).toBeLessThan(0.15);
    }
  });

  it('reads a folder of numbered frames as an image sequence', () => {
    const frames = join(dir, 'frames');
    mkdirSync(frames);
    ffmpeg(['-i', clip, '-frames:v', '12', join(frames, 'img_%03d.png')]);
    const out = join(dir, 'seq.csv');
    const result = run(['--sequence', frames, '--fps', '25', '--out', out]);
    expect(result.status).toBe(0);
    const rows = readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(rows.map((r) => Number(r[0]))).toEqual(Array.from({ length: 12 }, (_, k) => k + 1));
    rows.forEach((r, k) => expect(Number(r[2])).toBeCloseTo(k / 25, 6));
    expect(rows.filter((r) => r[4] === '1').length).toBeGreaterThanOrEqual(11);
  });

  it('bad input: one line per file, the run goes on; a video without a face gets success = 0 rows', () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'noise.mp4'), Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251)));
    writeFileSync(join(bad, 'truncated.mp4'), readFileSync(clip).subarray(0, 20_000));
    // with the index first (faststart) a cut file still decodes up to the cut
    ffmpeg(['-i', clip, '-c', 'copy', '-movflags', '+faststart', join(bad, 'whole.mp4')]);
    writeFileSync(join(bad, 'cut.mp4'), readFileSync(join(bad, 'whole.mp4')).subarray(0, Math.round(statSync(join(bad, 'whole.mp4')).size * 0.6)));
    ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', join(bad, 'audio.m4a')]);
    // a stream header and no frame: the first 600 bytes of a Matroska file
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=s=64x48:r=25', '-frames:v', '5', '-c:v', 'ffv1', join(bad, 'whole.mkv')]);
    writeFileSync(join(bad, 'empty.mkv'), readFileSync(join(bad, 'whole.mkv')).subarray(0, 600));
    ffmpeg(['-loop', '1', '-i', CAT, '-t', '0.4', '-r', '25', '-vf', 'scale=320:-2', '-pix_fmt', 'yuv420p', join(bad, 'cat.mp4')]);
    const outDir = join(dir, 'bad-out') + '/';
    const inputs = ['noise.mp4', 'truncated.mp4', 'cut.mp4', 'audio.m4a', 'empty.mkv', 'cat.mp4'].map((f) => join(bad, f));
    const result = run([...inputs, '--out', outDir]);
    expect(result.status).toBe(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const lines = result.stderr.trim().split('\n');
    expect(lines.find((l) => l.includes('noise.mp4'))).toMatch(/noise\.mp4: not a video ffprobe can read \(.+\)$/);
    expect(lines.find((l) => l.includes('truncated.mp4'))).toMatch(/truncated\.mp4: not a video ffprobe can read \(moov atom not found; Invalid data found when processing input\)$/);
    expect(lines.find((l) => l.includes('cut.mp4: warning: decoded'))).toMatch(/decoded \d+ of the 50 frames the container announces: the file looks truncated/);
    expect(lines.find((l) => l.includes('cut.mp4:') && l.includes('→'))).toMatch(/cut\.mp4: \d+ frames → .*cut\.csv/);
    expect(lines.find((l) => l.includes('audio.m4a'))).toMatch(/audio\.m4a: the file has no video stream \(ffprobe found audio\)/);
    expect(lines.find((l) => l.includes('empty.mkv'))).toMatch(/empty\.mkv: no frame could be decoded \(.+\)$/);
    expect(lines.find((l) => l.includes('cat.mp4'))).toMatch(/cat\.mp4: 10 frames → .*cat\.csv \(0 with a face, 0 face ids/);
    // no output for the broken files, and no partial file passed off as complete
    for (const name of ['noise', 'truncated', 'audio']) expect(existsSync(join(outDir, `${name}.csv`))).toBe(false);
    const cat = readFileSync(join(outDir, 'cat.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(cat).toHaveLength(10);
    for (const row of cat) expect(row.slice(0, 5)).toEqual([row[0], '0', row[2], '0.000', '0']);
    expect(cat[0]!.at(-1)).toBe(''); // no AU values: NaN in pandas
  });

  it('Ctrl-C leaves a valid partial CSV of the frames done; --resume completes it exactly', async () => {
    const long = zoomClip(HOPPER, join(dir, 'long.mp4'), 3, 25, '320x240');
    const out = join(dir, 'long.csv');
    const partial = join(dir, 'long.partial.csv');
    const child = spawn(process.execPath, [CLI, long, '--out', out], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // wait (by content, not time) until some frames are in the partial file, then interrupt
    for (let i = 0; i < 600; i++) {
      if (existsSync(partial) && readFileSync(partial, 'utf8').split('\n').length > 20) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/interrupted after \d+ frames; the frames done are in .*long\.partial\.csv — run again with --resume/);
    expect(existsSync(out)).toBe(false);
    const { rows: done, columns } = readWithPython(partial);
    expect(columns.slice(-12)).toEqual(AUS);
    expect(done.length).toBeGreaterThanOrEqual(16);
    expect(done.length).toBeLessThan(75);
    expect(done.map((r) => Number(r.frame))).toEqual(Array.from({ length: done.length }, (_, k) => k + 1));
    const resumed = run([long, '--out', out, '--resume']);
    expect(resumed.status).toBe(0);
    const { rows } = readWithPython(out);
    expect(rows.map((r) => Number(r.frame))).toEqual(Array.from({ length: 75 }, (_, k) => k + 1));
    expect(new Set(rows.map((r) => r.face_id))).toEqual(new Set(['0']));
    rows.forEach((r, k) => expect(Number(r.timestamp)).toBeCloseTo(k / 25, 6));
    expect(existsSync(partial)).toBe(false);
    // a resume with other settings is refused, naming the setting
    const again = run([long, '--out', join(dir, 'other.csv'), '--resume']);
    expect(again.stderr).toMatch(/--resume: no unfinished run to continue/);
  });
});
