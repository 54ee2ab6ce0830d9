// SIGTERM on the real CLI (dist/cli.js): requests already accepted finish, new ones get 503
// shutting-down with Retry-After, the process exits 0; a second SIGTERM exits at once (143).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { faceApiModelDir } from '@g2rl/face';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPEC, writeFixedModel } from './test-support.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
const photo = readFileSync(join(faceApiModelDir(), '..', 'demo', 'sample5.jpg'));
let modelDir: string;

interface Running {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Starts g2rl-serve on a free port and waits until it is ready. */
async function start(extra: string[] = []): Promise<Running> {
  const child = spawn(process.execPath, [CLI, '--model', modelDir, '--port', '0', '--workers', '1', '--quiet', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  child.stderr!.on('data', (chunk) => { text += String(chunk); });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() })));
  await expect.poll(() => /ready \(tfjs backend/.test(text), { timeout: 60_000, interval: 100 }).toBe(true);
  const url = /listening on (http:\/\/\S+)/.exec(text)![1]!;
  return { child, url, stderr: () => text, exit };
}

/** A batch of the same photo four times (1920 pixels wide unless given): seconds of detection on one worker. */
function slowBatch(url: string, bytes: Buffer = photo): Promise<Response> {
  const form = new FormData();
  for (let i = 0; i < 4; i++) form.append(`f${i}`, new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), `p${i}.jpg`);
  return fetch(`${url}/v1/analyze/batch`, { method: 'POST', body: form });
}

/** Resolves once the server has accepted the batch and its images wait on the worker. */
async function busy(url: string): Promise<void> {
  await expect.poll(async () => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return Number(/^g2rl_batch_images_count (\d+)/m.exec(text)?.[1] ?? 0);
  }, { timeout: 20_000, interval: 20 }).toBeGreaterThan(0);
}

beforeAll(async () => {
  modelDir = mkdtempSync(join(tmpdir(), 'g2rl-shutdown-'));
  await writeFixedModel(modelDir, SPEC);
});
afterAll(() => rmSync(modelDir, { recursive: true, force: true }));

describe('g2rl-serve on SIGTERM', () => {
  it('finishes the requests in flight, refuses new ones with 503, exits 0', async () => {
    // A long deadline: the test machine may be loaded, and every image must finish here.
    const server = await start(['--timeout', '120000']);
    // 960 pixels wide: long enough to be in flight at SIGTERM, short enough for a loaded machine.
    const inFlight = slowBatch(server.url, await sharp(photo).resize({ width: 960 }).jpeg().toBuffer());
    await busy(server.url);
    server.child.kill('SIGTERM');
    await expect.poll(() => /draining/.test(server.stderr()), { timeout: 5000, interval: 10 }).toBe(true);
    const refused = await fetch(`${server.url}/v1/model`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect((await refused.json()).type).toMatch(/shutting-down$/);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    const done = await inFlight;
    expect(done.status).toBe(200);
    const { results } = (await done.json()) as { results: { analysis?: unknown; problem?: unknown }[] };
    expect(results).toHaveLength(4);
    expect(results.map((r) => r.problem)).toEqual([undefined, undefined, undefined, undefined]);
    expect((await server.exit).code).toBe(0);
    expect(server.stderr()).toMatch(/stopped/);
  }, 120_000);

  it('gives up on requests still running after --timeout: they get 503, and it exits 0', async () => {
    const server = await start(['--timeout', '400']);
    // The per-image deadline is 400 ms too: ask for one image that is quick on its own.
    const crop = readFileSync(join(faceApiModelDir(), '..', 'demo', 'sample1.jpg'));
    const first = await fetch(`${server.url}/v1/analyze`, { method: 'POST', body: crop as never, headers: { 'content-type': 'image/jpeg' } });
    expect([200, 422, 504]).toContain(first.status);
    const inFlight = slowBatch(server.url);
    await busy(server.url);
    const t0 = performance.now();
    server.child.kill('SIGTERM');
    const response = await inFlight;
    expect(response.status).toBe(200); // the batch answers per image…
    const { results } = (await response.json()) as { results: { problem?: { status: number } }[] };
    expect(results.every((r) => r.problem && [503, 504].includes(r.problem.status))).toBe(true); // …each cut short
    const exit = await server.exit;
    expect(exit.code).toBe(0);
    expect(exit.at - t0).toBeLessThan(5000);
  }, 120_000);

  it('exits at once on a second SIGTERM', async () => {
    const server = await start();
    const inFlight = slowBatch(server.url).catch((error: Error) => error);
    await busy(server.url);
    server.child.kill('SIGTERM');
    await expect.poll(() => /draining/.test(server.stderr()), { timeout: 5000, interval: 10 }).toBe(true);
    const t0 = performance.now();
    server.child.kill('SIGTERM');
    const exit = await server.exit;
    expect(exit.code).toBe(143);
    expect(exit.at - t0).toBeLessThan(1000);
    expect(server.stderr()).toMatch(/second SIGTERM, exiting now/);
    expect(await inFlight).toBeInstanceOf(Error); // the connection was cut
  }, 120_000);
});
