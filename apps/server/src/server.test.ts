/// <reference lib="dom" />
// End-to-end over real HTTP on loopback: a server with a model whose heatmaps are known,
// face detection on face-api's own demo photos (the only photographs available), and a
// corpus of bad inputs that must each give a 4xx problem body.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heatmapToImage } from '@g2rl/heatmaps';
import { faceApiModelDir } from '@g2rl/face';
import { createServer, type G2rlServer } from './server.js';
import { SPEC, writeFixedModel } from './test-support.js';
import type { ImageResult } from './analysis-types.js';

// face-api's demo photos, installed with it (beside its weights folder).
const demoDir = join(faceApiModelDir(), '..', 'demo');


let modelDir: string;
let server: G2rlServer;
let base: string;
let photo640: Buffer;
/** The detection-path answer for photo640, kept for the aligned-landmarks test. */
let detected: ImageResult | undefined;

async function post(path: string, body: Buffer | string | FormData, contentType?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(base + path, { method: 'POST', body: body as never, headers: contentType ? { 'content-type': contentType, ...headers } : headers });
}

async function workerTensors(url = base): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^g2rl_worker_tensors (\d+)$/m.exec(text);
  if (!match) throw new Error(`no g2rl_worker_tensors in /metrics:\n${text}`);
  return Number(match[1]);
}

beforeAll(async () => {
  modelDir = mkdtempSync(join(tmpdir(), 'g2rl-server-test-'));
  await writeFixedModel(modelDir, SPEC);
  server = await createServer({ modelDir, port: 0, bodyLimit: 2 * 1024 * 1024, maxPixels: 40_000_000, workers: 2 });
  base = await server.listen();
  await server.pool.ready;
  photo640 = await sharp(join(demoDir, 'sample2.jpg')).resize({ width: 640 }).jpeg({ quality: 90 }).toBuffer();
});

afterAll(async () => {
  await server?.close();
  rmSync(modelDir, { recursive: true, force: true });
});

describe('service endpoints', () => {
  it('answers health, readiness, the model card and the OpenAPI document', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = (await (await fetch(`${base}/readyz`)).json()) as { status: string; backend: string };
    expect(ready.status).toBe('ready');
    expect(typeof ready.backend).toBe('string');
    const card = (await (await fetch(`${base}/v1/model`)).json()) as { aus: number[]; input: { size: number } };
    expect(card.aus).toEqual(SPEC.aus);
    expect(card.input.size).toBe(SPEC.size);
    const openapi = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string; paths: object };
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/v1/analyze', '/v1/analyze/batch', '/v1/model', '/metrics']));
  });

  it('runs on G2RL_BACKEND when set, else on native when @g2rl/backend-native is built', async () => {
    const ready = (await (await fetch(`${base}/readyz`)).json()) as { backend: string };
    const nativeBuilt = ((await import('@g2rl/backend-native')) as { isNativeAvailable(): boolean }).isNativeAvailable();
    const expected = process.env.G2RL_BACKEND || (nativeBuilt ? 'native' : 'wasm');
    expect(ready.backend).toBe(expected);
    if (process.env.G2RL_REQUIRE_NATIVE === '1' && !process.env.G2RL_BACKEND) expect(ready.backend).toBe('native');
  });

  it('binds loopback by default', () => {
    expect(server.options.host).toBe('127.0.0.1');
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});

describe('POST /v1/analyze', () => {
  it('decodes the model heatmaps exactly for an aligned S×S crop', async () => {
    const crop = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png().toBuffer();
    const response = await post('/v1/analyze?aligned=true', crop, 'Image/PNG; charset=binary');
    expect(response.status).toBe(200);
    const result = (await response.json()) as ImageResult;
    expect(result.faces.length).toBe(1);
    const [face] = result.faces;
    expect(face!.score).toBeNull();
    // The crop is S×S, so crop pixels are image pixels: points = heatmapToImage(points, H, S).
    const expected = heatmapToImage(SPEC.points, SPEC.heatmapSize, SPEC.size);
    face!.aus.forEach((au, a) => {
      expect(au.au).toBe(SPEC.aus[a]);
      expect(au.intensity).toBeCloseTo(SPEC.intensities[a]!, 1);
      expect(au.points[0]![0]).toBeCloseTo(expected[4 * a]!, 1);
      expect(au.points[0]![1]).toBeCloseTo(expected[4 * a + 1]!, 1);
      expect(au.points[1]![0]).toBeCloseTo(expected[4 * a + 2]!, 1);
      expect(au.points[1]![1]).toBeCloseTo(expected[4 * a + 3]!, 1);
    });
    expect(face!.aus[1]!.name.length).toBeGreaterThan(3);
  });

  it('maps AU points back through the inverse for a larger aligned crop', async () => {
    const crop = await sharp({ create: { width: 128, height: 128, channels: 3, background: '#405060' } }).jpeg().toBuffer();
    const result = (await (await post('/v1/analyze?aligned=true', crop, 'image/jpeg')).json()) as ImageResult;
    const inCrop = heatmapToImage(SPEC.points, SPEC.heatmapSize, SPEC.size);
    // crop (S = 64) → image (128): x = (x_c + 0.5)·2 − 0.5
    const au25 = result.faces[0]!.aus[2]!;
    expect(au25.points[0]![0]).toBeCloseTo((inCrop[8]! + 0.5) * 2 - 0.5, 1);
    expect(au25.points[1]![1]).toBeCloseTo((inCrop[11]! + 0.5) * 2 - 0.5, 1);
  });

  it('detects the faces of a real photo, aligns them and maps AU points into each face', async () => {
    const response = await post('/v1/analyze', photo640, 'image/jpeg');
    expect(response.status).toBe(200);
    const result = (await response.json()) as ImageResult;
    detected = result;
    expect(result.width).toBe(640);
    expect(result.faces.length).toBeGreaterThanOrEqual(2);
    for (const face of result.faces) {
      expect(face.score).toBeGreaterThan(0.5);
      expect(face.landmarks!.length).toBe(68);
      const { x, y, width, height } = face.box;
      for (const au of face.aus) {
        for (const [px, py] of au.points) {
          expect(px).toBeGreaterThan(x - 0.3 * width);
          expect(px).toBeLessThan(x + 1.3 * width);
          expect(py).toBeGreaterThan(y - 0.3 * height);
          expect(py).toBeLessThan(y + 1.3 * height);
        }
      }
      expect(face.aus.map((a) => a.intensity)).toEqual(SPEC.intensities.map((v) => expect.closeTo(v, 1)));
    }
    expect(result.timings.detect).toBeGreaterThan(0);
    expect(result.timings.model).toBeGreaterThan(0);
  });

  it('aligns with client landmarks exactly as with detected ones (multipart, ?aligned=true)', async () => {
    detected ??= (await (await post('/v1/analyze', photo640, 'image/jpeg')).json()) as ImageResult;
    const face = detected.faces[0]!;
    const form = new FormData();
    form.append('image', new Blob([photo640 as never], { type: 'image/jpeg' }), 'photo.jpg');
    form.append('landmarks', JSON.stringify(face.landmarks));
    const response = await post('/v1/analyze?aligned=true', form);
    expect(response.status).toBe(200);
    const aligned = (await response.json()) as ImageResult;
    expect(aligned.faces.length).toBe(1);
    expect(aligned.faces[0]!.score).toBeNull();
    // Landmarks were rounded to 0.01 px in the response, so the transforms agree closely.
    aligned.faces[0]!.transform.forEach((v, i) => expect(v).toBeCloseTo(face.transform[i]!, 1));
    aligned.faces[0]!.aus.forEach((au, a) => {
      expect(au.points[0]![0]).toBeCloseTo(face.aus[a]!.points[0]![0], 0);
      expect(au.points[1]![1]).toBeCloseTo(face.aus[a]!.points[1]![1], 0);
    });
  });

  it('returns each AU heatmap as an H×H PNG on request', async () => {
    const crop = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).webp().toBuffer();
    const result = (await (await post('/v1/analyze?aligned=true&heatmaps=true', crop, 'image/webp')).json()) as ImageResult;
    const maps = result.faces[0]!.heatmaps!;
    expect(maps.map((m) => m.au)).toEqual(SPEC.aus);
    const { data, info } = await sharp(Buffer.from(maps[0]!.png, 'base64')).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([16, 16]);
    // AU1's first point at heatmap (4, 3) with intensity 3: 255·3/5 = 153.
    expect(data[(3 * 16 + 4) * info.channels]).toBe(153);
  });
});

describe('POST /v1/analyze/batch', () => {
  it('answers per image, a problem for the bad one', async () => {
    const good = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#777777' } }).png().toBuffer();
    const form = new FormData();
    form.append('a', new Blob([good as never], { type: 'image/png' }), 'a.png');
    form.append('b', new Blob([Buffer.from('not an image') as never], { type: 'image/png' }), 'b.png');
    form.append('c', new Blob([good as never], { type: 'image/png' }), 'c.png');
    const response = await post('/v1/analyze/batch?aligned=true', form);
    expect(response.status).toBe(200);
    const { results } = await response.json();
    expect(results.map((r: { filename: string }) => r.filename)).toEqual(['a.png', 'b.png', 'c.png']);
    expect(results[0].analysis.faces[0].aus[0].intensity).toBeCloseTo(3, 1);
    expect(results[1].problem.status).toBe(415);
    expect(results[1].problem.index).toBe(1);
    expect(results[2].analysis.faces.length).toBe(1);
  });
});

/** A PNG header (signature + IHDR with a valid CRC) claiming width × height, and nothing else. */
function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const typeAndData = Buffer.concat([Buffer.from('IHDR'), ihdr]);
  let crc = 0xffffffff;
  for (const byte of typeAndData) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  const chunk = Buffer.alloc(4 + typeAndData.length + 4);
  chunk.writeUInt32BE(13, 0);
  typeAndData.copy(chunk, 4);
  chunk.writeUInt32BE((crc ^ 0xffffffff) >>> 0, 4 + typeAndData.length);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk]);
}

describe('bad input: always a 4xx problem, never a crash', () => {
  let corpus: { name: string; send: () => Promise<Response>; status: number }[];
  beforeAll(async () => {
    const grey = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#7f7f7f' } }).jpeg().toBuffer();
    const tiny = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000000' } }).png().toBuffer();
    // A real bomb: 7000×7000 = 49 Mpx of black compresses to ~150 kB (the limit here is 40 Mpx).
    const bomb = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#000000' } }).png({ compressionLevel: 9 }).toBuffer();
    const strip = await sharp({ create: { width: 20_000, height: 1, channels: 3, background: '#808080' } }).png().toBuffer();
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#ff0000' } }).gif().toBuffer();
    const noLandmarks = new FormData();
    noLandmarks.append('note', 'no file here');
    const badLandmarks = new FormData();
    badLandmarks.append('image', new Blob([photo640 as never], { type: 'image/jpeg' }), 'p.jpg');
    badLandmarks.append('landmarks', '[[1, 2], [3]]');
    const fewLandmarks = new FormData();
    fewLandmarks.append('image', new Blob([photo640 as never], { type: 'image/jpeg' }), 'p.jpg');
    fewLandmarks.append('landmarks', JSON.stringify([[1, 2], [3, 4]]));
    const bigPart = new FormData();
    bigPart.append('image', new Blob([Buffer.concat([photo640.subarray(0, 3), Buffer.alloc(3 * 1024 * 1024)]) as never], { type: 'image/jpeg' }), 'big.jpg');
    const manyFiles = new FormData();
    for (let i = 0; i < 17; i++) manyFiles.append(`f${i}`, new Blob([tiny as never], { type: 'image/png' }), `${i}.png`);
    corpus = [
      { name: 'plain text as text/plain', send: () => post('/v1/analyze', 'hello', 'text/plain'), status: 415 },
      { name: 'JSON', send: () => post('/v1/analyze', '{"image": "x"}', 'application/json'), status: 415 },
      { name: 'HTML labelled image/jpeg', send: () => post('/v1/analyze', '<html><body>hi</body></html>', 'image/jpeg'), status: 415 },
      { name: 'random bytes as image/png', send: () => post('/v1/analyze', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)), 'image/png'), status: 415 },
      { name: 'empty body', send: () => post('/v1/analyze', Buffer.alloc(0), 'image/jpeg'), status: 415 },
      { name: 'GIF (not accepted)', send: () => post('/v1/analyze', gif, 'image/gif'), status: 415 },
      { name: 'SVG', send: () => post('/v1/analyze', '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', 'image/svg+xml'), status: 415 },
      { name: 'truncated JPEG (first 40 %)', send: () => post('/v1/analyze', photo640.subarray(0, Math.floor(photo640.length * 0.4)), 'image/jpeg'), status: 400 },
      { name: 'JPEG signature only', send: () => post('/v1/analyze', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]), 'image/jpeg'), status: 400 },
      { name: 'PNG of 7000×7000 in 150 kB (decompression bomb)', send: () => post('/v1/analyze', bomb, 'image/png'), status: 413 },
      { name: 'a 20000×1 strip', send: () => post('/v1/analyze', strip, 'image/png'), status: 413 },
      { name: 'PNG header claiming 100000×100000, no data', send: () => post('/v1/analyze', pngHeader(100_000, 100_000), 'image/png'), status: 400 },
      { name: 'PNG header claiming 1×1 with no data', send: () => post('/v1/analyze', pngHeader(1, 1), 'image/png'), status: 400 },
      { name: 'grey image with no face', send: () => post('/v1/analyze', grey, 'image/jpeg'), status: 422 },
      { name: '1×1 image', send: () => post('/v1/analyze', tiny, 'image/png'), status: 422 },
      { name: 'body over the limit', send: () => post('/v1/analyze', Buffer.concat([photo640.subarray(0, 3), Buffer.alloc(3 * 1024 * 1024)]), 'image/jpeg'), status: 413 },
      { name: 'multipart file over the limit', send: () => post('/v1/analyze', bigPart), status: 413 },
      { name: '17 files in a batch (limit 16)', send: () => post('/v1/analyze/batch', manyFiles), status: 413 },
      { name: 'multipart without a file', send: () => post('/v1/analyze', noLandmarks), status: 400 },
      { name: 'malformed landmarks', send: () => post('/v1/analyze?aligned=true', badLandmarks), status: 400 },
      { name: 'two landmarks instead of 68', send: () => post('/v1/analyze?aligned=true', fewLandmarks), status: 400 },
      { name: 'landmarks without ?aligned=true', send: () => post('/v1/analyze', fewLandmarks), status: 400 },
      { name: 'bad query value', send: () => post('/v1/analyze?maxFaces=lots', photo640, 'image/jpeg'), status: 400 },
      { name: 'unknown query parameter', send: () => post('/v1/analyze?colour=red', photo640, 'image/jpeg'), status: 400 },
      { name: 'batch with a raw body', send: () => post('/v1/analyze/batch', photo640, 'image/jpeg'), status: 415 },
      { name: 'GET on the analyze route', send: () => fetch(`${base}/v1/analyze`), status: 404 },
      { name: 'unknown route', send: () => fetch(`${base}/v2/nothing`), status: 404 },
    ];
  });

  it('answers every case with its status and an RFC 9457 body', async () => {
    const seen: string[] = [];
    for (const { name, send, status } of corpus) {
      const response = await send();
      const body = await response.json();
      seen.push(`${name}: ${response.status}`);
      expect({ name, status: response.status }).toEqual({ name, status });
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(body).toEqual(expect.objectContaining({ type: expect.stringMatching(/^https:\/\//), title: expect.any(String), status, detail: expect.any(String) }));
      expect(body.detail.length).toBeGreaterThan(10);
    }
    expect(seen.length).toBe(corpus.length);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('leaks no tensor in the worker over 200 requests of every kind', async () => {
    const crop = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png().toBuffer();
    const grey = await sharp({ create: { width: 160, height: 120, channels: 3, background: '#7f7f7f' } }).jpeg().toBuffer();
    const before = await workerTensors();
    const statuses = new Map<number, number>();
    // 20 rounds of 10 concurrent requests: aligned crops (with and without heatmaps), bad
    // bytes, truncated files, and now and then a detection with or without a face.
    for (let round = 0; round < 20; round++) {
      const requests = [
        ...Array.from({ length: 5 }, () => post(`/v1/analyze?aligned=true&heatmaps=${round % 2 === 0}`, crop, 'image/png')),
        round % 4 === 0 ? post('/v1/analyze', grey, 'image/jpeg') : post('/v1/analyze?aligned=true', grey, 'image/jpeg'),
        post('/v1/analyze', photo640.subarray(0, 5000), 'image/jpeg'),
        post('/v1/analyze', pngHeader(1, 1), 'image/png'),
        post('/v1/analyze', Buffer.from('x'), 'image/png'),
        round % 10 === 0 ? post('/v1/analyze', photo640, 'image/jpeg') : post('/v1/analyze?aligned=true', crop, 'image/png'),
      ];
      for (const r of await Promise.all(requests)) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(200);
    // per round: 6 aligned or photo (200), the grey one 200 when aligned, 422 when detected
    expect(statuses.get(200)).toBe(20 * 6 + 15);
    expect(statuses.get(422)).toBe(5);
    expect(statuses.get(500)).toBeUndefined();
    expect(await workerTensors()).toBe(before);
  });

  it('counts requests, stages, batch sizes and errors in /metrics', async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    for (const stage of ['decode', 'detect', 'landmarks', 'align', 'model']) {
      expect(text).toMatch(new RegExp(`g2rl_stage_duration_seconds_count\\{stage="${stage}"\\} [1-9]`));
    }
    expect(text).toMatch(/g2rl_batch_images_bucket\{le="8"\} [1-9]/);
    expect(text).toMatch(/g2rl_errors_total\{type="no-face"\} [1-9]/);
    expect(text).toMatch(/g2rl_http_requests_total\{method="POST",route="\/v1\/analyze",status="200"\} [1-9]/);
    // micro-batching happened: some worker batch held more than one image
    const sum = Number(/g2rl_batch_images_sum (\S+)/.exec(text)![1]);
    const count = Number(/g2rl_batch_images_count (\S+)/.exec(text)![1]);
    expect(sum / count).toBeGreaterThan(1);
  });

  it("reports the workers' memory by kind in /metrics (what the soak samples)", async () => {
    await workerTensors(); // asks the workers for fresh figures
    const text = await (await fetch(`${base}/metrics`)).text();
    const gauge = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(gauge('g2rl_worker_heap_bytes')).toBeGreaterThan(1 << 20);
    expect(gauge('g2rl_worker_external_bytes')).toBeGreaterThan(0);
    const native = server.pool.backend === 'native';
    // the native backend's free output buffers, its convolution plans and their filter copies
    expect(gauge('g2rl_worker_pool_free_bytes') > 0).toBe(native);
    expect(gauge('g2rl_worker_conv_plans') > 0).toBe(native);
    expect(gauge('g2rl_worker_conv_filter_bytes')).toBeGreaterThanOrEqual(0);
    expect(gauge('g2rl_worker_pool_free_bytes')).toBeLessThanOrEqual(gauge('g2rl_worker_external_bytes'));
    // the wasm backend's WebAssembly.Memory (several MiB as soon as it runs)
    expect(gauge('g2rl_worker_wasm_memory_bytes') > 1 << 20).toBe(server.pool.backend === 'wasm');
  });
});

describe('limits and token (a second server)', () => {
  let strict: G2rlServer;
  let url: string;
  beforeAll(async () => {
    strict = await createServer({ modelDir, port: 0, token: 's3cret', maxQueue: 1, maxBatch: 1, timeoutMs: 1500, batchWindowMs: 0 });
    url = await strict.listen();
    await strict.pool.ready;
  });
  afterAll(async () => strict?.close());

  it('needs the bearer token on /v1 and /metrics, not on health checks', async () => {
    const crop = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png().toBuffer();
    const denied = await fetch(`${url}/v1/analyze?aligned=true`, { method: 'POST', body: crop as never, headers: { 'content-type': 'image/png' } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await denied.json()).type).toMatch(/unauthorized$/);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const allowed = await fetch(`${url}/v1/analyze?aligned=true`, { method: 'POST', body: crop as never, headers: { 'content-type': 'image/png', authorization: 'Bearer s3cret' } });
    expect(allowed.status).toBe(200);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it('sheds load with 503 + Retry-After when the queue is full and keeps answering health checks', async () => {
    const big = readFileSync(join(demoDir, 'sample5.jpg'));
    const auth = { 'content-type': 'image/jpeg', authorization: 'Bearer s3cret' };
    let firstAnalysisDone = Infinity;
    const pending = Array.from({ length: 6 }, () => fetch(`${url}/v1/analyze`, { method: 'POST', body: big as never, headers: auth }).then((r) => {
      if (r.status === 200) firstAnalysisDone = Math.min(firstAnalysisDone, performance.now());
      return r;
    }));
    // The worker is busy with a 1920-pixel photo; the HTTP thread must still answer at once.
    const t0 = performance.now();
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const healthDone = performance.now();
    const healthMs = healthDone - t0;
    const responses = await Promise.all(pending);
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toContain(503);
    const busy = responses.find((r) => r.status === 503)!;
    expect(busy.headers.get('retry-after')).toBe('1');
    expect((await busy.json()).type).toMatch(/queue-full$/);
    expect(statuses.every((s) => [200, 503, 504].includes(s))).toBe(true);
    // Health answered while the worker was still on the first photo (not after it).
    expect(healthDone).toBeLessThan(firstAnalysisDone);
    expect(healthMs).toBeLessThan(1000);
  });
});

describe('deadlines, start-up failures and the CLI', () => {
  it('answers 504 with a problem body when an image misses its deadline', async () => {
    const hasty = await createServer({ modelDir, port: 0, timeoutMs: 30 });
    try {
      const url = await hasty.listen();
      await hasty.pool.ready;
      const big = readFileSync(join(demoDir, 'sample6.jpg'));
      const response = await fetch(`${url}/v1/analyze`, { method: 'POST', body: big as never, headers: { 'content-type': 'image/jpeg' } });
      expect(response.status).toBe(504);
      const body = await response.json();
      expect(body.type).toMatch(/timeout$/);
      expect(body.detail).toMatch(/no result within 30 ms/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      await hasty.close();
    }
  });

  it('restarts a worker that dies and answers again', async () => {
    const fragile = await createServer({ modelDir, port: 0, workers: 1 });
    try {
      const url = await fragile.listen();
      await fragile.pool.ready;
      // Kill the only worker from outside, as a crash would.
      const slots = (fragile.pool as unknown as { slots: { worker: { terminate(): Promise<number> } }[] }).slots;
      await slots[0]!.worker.terminate();
      const down = await fetch(`${url}/readyz`);
      expect(down.status).toBe(503);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      await expect.poll(async () => (await fetch(`${url}/readyz`)).status, { timeout: 30_000, interval: 200 }).toBe(200);
      const crop = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png().toBuffer();
      const again = await fetch(`${url}/v1/analyze?aligned=true`, { method: 'POST', body: crop as never, headers: { 'content-type': 'image/png' } });
      expect(again.status).toBe(200);
    } finally {
      await fragile.close();
    }
  });

  it('reports a model that disagrees with its card on /readyz and /v1/*, naming the file', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'g2rl-broken-model-'));
    await writeFixedModel(broken, SPEC);
    const card = JSON.parse(readFileSync(join(broken, 'model-card.json'), 'utf8'));
    writeFileSync(join(broken, 'model-card.json'), JSON.stringify({ ...card, aus: [1, 2, 4, 5] }));
    const bad = await createServer({ modelDir: broken, port: 0 });
    try {
      const url = await bad.listen();
      await expect(bad.pool.ready).rejects.toThrow(/model-card\.json: field "aus" must be 3 AUs \(the model has K = 6/);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect((await ready.json()).detail).toMatch(/could not be loaded/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const crop = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png().toBuffer();
      const analyze = await fetch(`${url}/v1/analyze?aligned=true`, { method: 'POST', body: crop as never, headers: { 'content-type': 'image/png' } });
      expect(analyze.status).toBe(503);
    } finally {
      await bad.close();
      rmSync(broken, { recursive: true, force: true });
    }
  });

  it('refuses a model aligned to another template', async () => {
    const other = mkdtempSync(join(tmpdir(), 'g2rl-other-template-'));
    await writeFixedModel(other, SPEC);
    const card = JSON.parse(readFileSync(join(other, 'model-card.json'), 'utf8'));
    writeFileSync(join(other, 'model-card.json'), JSON.stringify({ ...card, alignment: { ...card.alignment, template: 'someone-elses-template' } }));
    const bad = await createServer({ modelDir: other, port: 0 });
    try {
      await expect(bad.pool.ready).rejects.toThrow(/field "alignment.template" is "someone-elses-template", but this analyzer aligns faces to "g2rl-mean-face-ibug68\/1"/);
    } finally {
      await bad.close();
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("g2rl-serve's native workers wait passively (OMP_WAIT_POLICY reaches libgomp from the main thread)", async (context) => {
    if (server.pool.backend !== 'native') context.skip();
    // libgomp prints its settings as it loads (OMP_DISPLAY_ENV); it loads in the workers, whose
    // process.env is a copy the real environment never sees: the main thread must set it.
    const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
    const env: NodeJS.ProcessEnv = { ...process.env, OMP_DISPLAY_ENV: 'verbose' };
    delete env.OMP_WAIT_POLICY;
    const child = spawn(process.execPath, [cli, '--model', modelDir, '--port', '0', '--workers', '1', '--quiet'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let text = '';
    child.stderr!.on('data', (chunk) => { text += String(chunk); });
    try {
      await expect.poll(() => /ready \(tfjs backend/.test(text), { timeout: 60_000, interval: 100 }).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
    expect(text).toMatch(/OMP_WAIT_POLICY = 'PASSIVE'/);
    expect(text).toMatch(/GOMP_SPINCOUNT = '0'/); // the unset default spins: '300000'
  });

  it('g2rl-serve says how to make a model when there is none', () => {
    const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
    const run = spawnSync(process.execPath, [cli, '--model', join(tmpdir(), 'no-such-g2rl-model')], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/no model at .*no-such-g2rl-model \(missing model\.json, model-card\.json\)/);
    expect(run.stderr).toMatch(/pnpm demo/);
    const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' });
    expect(help.stdout).toMatch(/--max-queue/);
  });
});
