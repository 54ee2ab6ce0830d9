/// <reference lib="dom" />
// GET /live: the live page's files from where they are (the built page, face-api's weights, the
// server's model folder, and nothing else from it); then the page itself in headless Chromium,
// loading everything from this server (the camera and the AUs: @g2rl/analyzer's test/live.test.ts).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveRoutes } from './live-route.js';
import { SPEC, writeFixedModel } from './test-support.js';

const CHROMIUM = process.env.G2RL_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  if (process.env.G2RL_REQUIRE_BROWSER === '1') throw new Error(`G2RL_REQUIRE_BROWSER=1 but ${CHROMIUM} is not there (apt-get install chromium)`);
  console.warn(`live-route.test: ${CHROMIUM} not found (apt-get install chromium); the browser part is skipped`);
}

describe('GET /live', () => {
  const modelDir = mkdtempSync(join(tmpdir(), 'g2rl-live-model-'));
  let app: FastifyInstance;
  beforeAll(async () => {
    await writeFixedModel(modelDir, SPEC);
    writeFileSync(join(modelDir, 'checkpoint-secret.bin'), 'not for the web');
    app = Fastify();
    await app.register(liveRoutes, { modelDir });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    rmSync(modelDir, { recursive: true, force: true });
  });

  it('serves the page, its code and wasm, face-api weights and the model files, and nothing else', async () => {
    const redirect = await app.inject('/live');
    expect([redirect.statusCode, redirect.headers.location]).toEqual([301, '/live/']);
    const page = await app.inject('/live/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toMatch(/frames never leave this browser/i);
    expect((await app.inject('/live/live.js')).headers['content-type']).toMatch(/javascript/);
    const wasm = await app.inject('/live/tfjs-backend-wasm-simd.wasm');
    expect([wasm.statusCode, wasm.headers['content-type']]).toEqual([200, 'application/wasm']);
    expect(wasm.rawPayload.subarray(0, 4)).toEqual(Buffer.from([0, 0x61, 0x73, 0x6d])); // \0asm
    const card = await app.inject('/live/model/model-card.json');
    expect(card.json()).toEqual(JSON.parse(readFileSync(join(modelDir, 'model-card.json'), 'utf8')));
    const manifest = (await app.inject('/live/model/model.json')).json() as { weightsManifest: { paths: string[] }[] };
    for (const p of manifest.weightsManifest.flatMap((g) => g.paths)) expect((await app.inject(`/live/model/${p}`)).statusCode).toBe(200);
    expect((await app.inject('/live/face-api/face_landmark_68_model-weights_manifest.json')).statusCode).toBe(200);
    for (const url of ['/live/model/checkpoint-secret.bin', '/live/model/../../../etc/passwd', '/live/%2e%2e/package.json', '/live/face-api/face_recognition_model.bin', '/live/nothing.js']) {
      expect((await app.inject(url)).statusCode, url).toBe(404);
    }
  });

  it('says why when the model folder cannot be served', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'g2rl-live-empty-'));
    const bad = Fastify();
    await bad.register(liveRoutes, { modelDir: empty });
    const response = await bad.inject('/live/');
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain(`${empty}: no model.json`);
    await bad.close();
    rmSync(empty, { recursive: true, force: true });
  });

  it.skipIf(!haveChromium)('the page loads everything from /live/ and is ready, with no request elsewhere', async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const profile = mkdtempSync(join(tmpdir(), 'g2rl-live-profile-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const requests: string[] = [];
      context.on('request', (r) => requests.push(r.url()));
      await context.route('**/*', (route) => (route.request().url().startsWith(base) ? route.continue() : route.abort()));
      const page = await context.newPage();
      await page.goto(`${base}/live?backend=wasm`);
      await page.waitForFunction(() => (window as unknown as { g2rlLive?: { state: string } }).g2rlLive?.state !== 'loading', undefined, { timeout: 120_000 });
      const state = await page.evaluate(() => (window as unknown as { g2rlLive: { state: string; error?: string; aus?: number[] } }).g2rlLive);
      expect(state.error).toBeUndefined();
      expect(state.state).toBe('ready');
      expect(state.aus).toEqual(SPEC.aus);
      expect(requests.some((u) => u.endsWith('/live/model/model.json'))).toBe(true);
      for (const url of requests) expect(url.startsWith(`${base}/live`), url).toBe(true);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 180_000);
});
