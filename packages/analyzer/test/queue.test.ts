// g2rl-analyze's queue as a lab would run it: a real redis-server (started here on a free
// port), `queue add` of two image folders, a photo, an ffmpeg-made video and a folder with a
// truncated JPEG, two
// `g2rl-analyze worker` processes; every result equals what g2rl-analyze writes in one
// process, byte for byte, each with its JSON (checksums, versions, timings); adding again is a
// no-op; a deleted result is queued again; status and usage errors are one line.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '@g2rl/queue/testing';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(packageDir, 'dist', 'cli.js');
const fixtures = join(packageDir, 'test', 'fixtures');
const env = { ...process.env, G2RL_TFJS_WARNINGS: '' };
const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env });

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.dispose();
});

describe('g2rl-analyze queue / worker', () => {
  it('two workers turn 5 inputs (folders, photo, video) into the results one process writes, each once, with its JSON', async () => {
    const root = mkdtempSync(join(tmpdir(), 'g2rl-queue-'));
    const people = join(root, 'people');
    const cats = join(root, 'cats');
    const broken = join(root, 'broken');
    for (const d of [people, cats, broken]) mkdirSync(d);
    copyFileSync(join(fixtures, 'grace-hopper.jpg'), join(people, 'hopper.jpg'));
    copyFileSync(join(fixtures, 'grace-hopper.jpg'), join(people, 'hopper-again.jpg'));
    copyFileSync(join(fixtures, 'chelsea-cat.jpg'), join(cats, 'chelsea.jpg'));
    copyFileSync(join(fixtures, 'grace-hopper.jpg'), join(broken, 'a-good.jpg'));
    writeFileSync(join(broken, 'b-truncated.jpg'), readFileSync(join(fixtures, 'grace-hopper.jpg')).subarray(0, 1500));
    const photo = join(root, 'portrait.jpg');
    copyFileSync(join(fixtures, 'grace-hopper.jpg'), photo);
    // a short video made by ffmpeg from the photo (an independent writer), named without a video extension: told by content
    const video = join(root, 'clip.bin');
    const made = spawnSync('ffmpeg', ['-loglevel', 'error', '-loop', '1', '-i', join(fixtures, 'grace-hopper.jpg'), '-t', '0.8', '-r', '10', '-vf', 'scale=320:-2', '-pix_fmt', 'yuv420p', '-f', 'mp4', video]);
    expect(made.status, String(made.stderr)).toBe(0);
    const list = join(root, 'inputs.txt');
    writeFileSync(list, `# a list file: one input per line, relative to the list\npeople\ncats\n\nbroken\n`);
    const out = join(root, 'results');
    const url = `redis://127.0.0.1:${redis.port}`;
    const queueArgs = ['--redis', url, '--queue', 'analyze-test'];

    const add = run(['queue', 'add', list, photo, video, '--out', out, ...queueArgs]);
    expect(add.stderr).toContain('5 job(s) added, 0 already queued or done');
    expect(add.status).toBe(0);
    expect(run(['queue', 'add', list, photo, video, '--out', out, ...queueArgs]).stderr).toContain('0 job(s) added, 5 already queued or done');

    const workers = [0, 1].map(() => spawn(process.execPath, [CLI, 'worker', ...queueArgs, '--until-empty'], { env, stdio: ['ignore', 'ignore', 'pipe'] }));
    const logs = workers.map((w) => {
      let text = '';
      w.stderr!.on('data', (c: Buffer) => (text += c.toString()));
      return () => text;
    });
    await Promise.all(workers.map((w) => new Promise((resolve) => w.on('exit', resolve))));
    expect(workers.map((w) => w.exitCode)).toEqual([0, 0]);
    const allLogs = logs.map((l) => l()).join('');
    expect(allLogs).not.toContain('attempt 2'); // nothing ran twice

    expect(readdirSync(out).sort()).toEqual(['broken.csv', 'broken.json', 'cats.csv', 'cats.json', 'clip.csv', 'clip.json', 'people.csv', 'people.json', 'portrait.csv', 'portrait.json']);
    for (const [name, input] of [['people', people], ['cats', cats], ['broken', broken], ['portrait', photo], ['clip', video]] as const) {
      const direct = join(root, `${name}-direct.csv`);
      run([input, '--out', direct, '--quiet']);
      expect(readFileSync(join(out, `${name}.csv`), 'utf8'), name).toBe(readFileSync(direct, 'utf8'));
      const meta = JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8'));
      expect(meta).toMatchObject({ input, result: `${name}.csv`, attempt: 1, versions: { node: process.version } });
      expect(meta.inputSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(meta.modelCardSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(meta.timings.seconds).toBeGreaterThan(0);
    }
    expect(readFileSync(join(out, 'people.csv'), 'utf8').trim().split('\n')).toHaveLength(3); // header + 2 faces
    expect(readFileSync(join(out, 'cats.csv'), 'utf8').trim().split('\n')).toHaveLength(1); // the cat is no face
    expect(JSON.parse(readFileSync(join(out, 'broken.json'), 'utf8')).errors.join('\n')).toMatch(/b-truncated\.jpg/);
    const clip = readFileSync(join(out, 'clip.csv'), 'utf8').trim().split('\n');
    expect(clip[0]!.split(',').slice(0, 5)).toEqual(['frame', 'face_id', 'timestamp', 'confidence', 'success']);
    expect(clip).toHaveLength(1 + 8); // one row per frame
    expect(JSON.parse(readFileSync(join(out, 'clip.json'), 'utf8')).kind).toBe('video');

    const status = run(['queue', 'status', ...queueArgs, '--json']);
    expect(JSON.parse(status.stdout).counts).toMatchObject({ waiting: 0, active: 0, completed: 5, failed: 0 });
    // a deleted result is queued again; the others stay done
    rmSync(join(out, 'cats.json'));
    expect(run(['queue', 'add', list, photo, video, '--out', out, ...queueArgs]).stderr).toContain('1 job(s) added, 4 already queued or done');
    expect(run(['queue', 'drain', ...queueArgs]).stderr).toContain('1 waiting job(s) removed');
  }, 180_000);

  it('says what is wrong in one line: no Redis, no --out, a missing input, a password never printed', () => {
    const noOut = run(['queue', 'add', 'x', '--redis', `redis://127.0.0.1:${redis.port}`]);
    expect(noOut.status).toBe(2);
    expect(noOut.stderr).toMatch(/give --out DIR/);
    const missing = run(['queue', 'add', '/nonexistent/video.mp4', '--out', '/tmp/x', '--redis', `redis://127.0.0.1:${redis.port}`]);
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toBe('g2rl-analyze queue add: /nonexistent/video.mp4: no such file or folder');
    const down = run(['queue', 'status', '--redis', 'redis://:hunter2@127.0.0.1:1']);
    expect(down.status).toBe(1);
    expect(down.stderr.trim()).toBe('g2rl-analyze queue status: cannot reach Redis at redis://:***@127.0.0.1:1 within 10 s: is it running, and is the URL right?');
    expect(down.stderr).not.toContain('hunter2');
  }, 60_000);
});
