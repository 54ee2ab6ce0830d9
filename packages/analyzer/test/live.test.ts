/// <reference lib="dom" />
// The live page in Debian's Chromium (playwright-core) with a fake camera: a y4m clip that
// ffmpeg makes here from Grace Hopper's photo (a slow zoom). The page runs detection,
// landmarks, tracking, the model and decoding in the tab; its AUs must equal @g2rl/analyzer's
// in Node on the very pixels it analysed (±0.05), its CSV must be g2rl-analyze's video CSV
// with one row per analysed frame, no tensor may leak and no request may leave 127.0.0.1.
// A screenshot is kept in test/artifacts/live.png. CI sets G2RL_REQUIRE_BROWSER=1: there a
// missing Chromium fails.
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelDir } from '@g2rl/model-small-synthetic';
import { buildWeb } from '../scripts/build-web.mjs';
import { createNodePipeline } from '../src/node-pipeline.js';
import { ffmpeg } from '../src/video/test-videos.js';
import { parseVideoCsvLine, videoCsvHeader, type VideoRow } from '../src/video/openface-csv.js';
import { adjustRows } from '../src/video/series-adjustment.js';
import { VideoAnalysis } from '../src/video/video-analysis.js';
import { writeStaticSite } from '../src/web/static-site.js';
import type { LiveApi } from '../src/web/live-app.js';
import { refuseNodeImports } from './refuse-node-imports.js';

const CHROMIUM = process.env.G2RL_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  if (process.env.G2RL_REQUIRE_BROWSER === '1') throw new Error(`G2RL_REQUIRE_BROWSER=1 but ${CHROMIUM} is not there (apt-get install chromium)`);
  console.warn(`live.test: ${CHROMIUM} not found (apt-get install chromium); the live page test is skipped`);
}

const here = dirname(fileURLToPath(import.meta.url));
const HOPPER = join(here, 'fixtures', 'grace-hopper.jpg');
const ARTIFACTS = join(here, 'artifacts');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.json': 'application/json', '.html': 'text/html', '.css': 'text/css', '.wasm': 'application/wasm' };
const DETECT_EVERY = 5;
const SHIFT_CHECK_EVERY = 3;
const FRAMES = 16;

/** A plain static file server over `root` (what any static host does), loopback only. */
function staticServer(root: string, served: string[]): Server {
  return createServer((request, response) => {
    const url = decodeURIComponent((request.url ?? '/').split('?')[0]!);
    const file = normalize(join(root, url === '/' ? 'index.html' : url));
    served.push(url);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
}

describe.skipIf(!haveChromium)('the live page in Chromium with a fake camera', () => {
  const work = mkdtempSync(join(tmpdir(), 'g2rl-live-'));
  const served: string[] = [];
  let server: Server;
  let base: string;
  let context: BrowserContext;
  const requests: string[] = [];

  beforeAll(async () => {
    const assets = join(work, 'assets');
    await buildWeb(assets, [refuseNodeImports]);
    writeStaticSite(join(work, 'site'), { modelDir, assetsDir: assets });
    // 2.4 s at 25 frames/s, zooming in slowly: the tracker has to follow the face
    const clip = join(work, 'clip.y4m');
    ffmpeg(['-loop', '1', '-i', HOPPER, '-vf', "scale=1200:-2,zoompan=z='min(zoom+0.004,1.3)':d=60:x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':s=640x480:fps=25", '-frames:v', '60', '-pix_fmt', 'yuv420p', clip]);
    server = staticServer(join(work, 'site'), served);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    context = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
        '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${clip}`],
    });
    context.on('request', (r) => requests.push(r.url()));
    await context.route('**/*', (route) => (route.request().url().startsWith(base) ? route.continue() : route.abort()));
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(work, { recursive: true, force: true });
  });

  const open = async (query: string): Promise<Page> => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/index.html${query}`);
    await page.waitForFunction(() => window.g2rlLive?.state !== 'loading', undefined, { timeout: 120_000 });
    const state = await page.evaluate(() => ({ state: window.g2rlLive.state, error: window.g2rlLive.error }));
    expect(state, errors.join('\n')).toEqual({ state: 'ready', error: undefined });
    return page;
  };

  it('shows AUs from the camera that equal Node on the same frames (±0.05), downloads the video CSV, leaks nothing, stays on localhost', async () => {
    const page = await open(`?backend=wasm&detectEvery=${DETECT_EVERY}&shiftCheckEvery=${SHIFT_CHECK_EVERY}&keepFrames=200`);
    const backend = await page.evaluate(() => window.g2rlLive.backend!);
    expect(backend.name).toBe('wasm');
    expect(backend.simd).toBe(true);
    const tensorsReady = await page.evaluate(() => window.g2rlLive.tensors());
    await page.click('#camera');
    await page.waitForFunction((n) => window.g2rlLive.frames >= n || window.g2rlLive.state === 'error', FRAMES, { timeout: 180_000 });
    await page.click('#stop');
    const live = await page.evaluate(() => ({ state: window.g2rlLive.state, error: window.g2rlLive.error, frames: window.g2rlLive.frames, last: window.g2rlLive.last, kept: window.g2rlLive.keptCount(), rows: window.g2rlLive.rows(), aus: window.g2rlLive.aus, tensors: window.g2rlLive.tensors(), totals: window.g2rlLive.totals() }));
    expect(live.error).toBeUndefined();
    expect(live.state).toBe('stopped');
    expect(live.frames).toBeGreaterThanOrEqual(FRAMES);
    expect(live.tensors).toBe(tensorsReady);
    // the AUs are on the page: every bar shows a number
    expect(live.last!.aus).toHaveLength(live.aus!.length);
    const shown = await page.$$eval('.au-value', (els) => els.map((e) => e.textContent));
    expect(shown).toHaveLength(live.aus!.length);
    for (const text of shown) expect(text).toMatch(/^\d\.\d\d$/);
    expect(await page.textContent('#fps')).toMatch(/frames\/s/);
    expect(await page.textContent('#privacy')).toMatch(/frames never leave this browser/i);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'live.png'), fullPage: true });

    // Node on the very pixels the page analysed, in order, with the page's settings
    expect(live.kept).toBe(live.frames);
    const frames = [];
    for (let i = 0; i < live.kept; i++) {
      const k = (await page.evaluate((j) => window.g2rlLive.keptFrame(j), i))!;
      frames.push({ frame: k.frame, timestamp: k.timestamp, image: { data: new Uint8Array(Buffer.from(k.rgb, 'base64')), width: k.width, height: k.height, channels: 3 as const } });
    }
    expect(frames[0]!.image.width).toBe(640);
    const { pipeline } = await createNodePipeline({ backend: 'wasm', detector: 'blazeface' });
    const analysis = new VideoAnalysis(pipeline, { detectEvery: DETECT_EVERY, shiftCheckEvery: SHIFT_CHECK_EVERY, maxFaces: 4, minQuality: pipeline.settings.minQuality });
    const nodeRows: VideoRow[] = [];
    for (const f of frames) nodeRows.push(...(await analysis.step(f)).rows);
    pipeline.model.dispose();
    expect(live.rows.map((r) => [r.frame, r.faceId, r.success])).toEqual(nodeRows.map((r) => [r.frame, r.faceId, r.success]));
    expect(live.rows.every((r) => r.success === 1)).toBe(true); // the face is in every frame
    let worst = 0;
    let worstLandmark = 0;
    live.rows.forEach((r, i) => {
      r.aus!.forEach((v, a) => { worst = Math.max(worst, Math.abs(v - nodeRows[i]!.aus![a]!)); });
      r.landmarks!.forEach((v, k) => { worstLandmark = Math.max(worstLandmark, Math.abs(v - nodeRows[i]!.landmarks![k]!)); });
      expect(Math.abs(r.confidence - nodeRows[i]!.confidence)).toBeLessThanOrEqual(0.01);
    });
    // the zoom moves the face: the frames are not one image repeated
    expect(Math.abs(live.rows.at(-1)!.landmarks![0]! - live.rows[0]!.landmarks![0]!)).toBeGreaterThan(2);
    console.log(`live page vs Node on ${frames.length} frames: largest AU difference ${worst.toFixed(4)}, largest landmark difference ${worstLandmark.toFixed(3)} px; ${live.totals.detections} detector runs`);
    expect(worstLandmark).toBeLessThan(0.5);
    expect(worst).toBeLessThanOrEqual(0.05);
    expect(live.totals.detections).toBe(Math.ceil(live.frames / DETECT_EVERY));

    // the CSV: raw values, then calibrated per person as g2rl-analyze's default
    const A = live.aus!.length;
    const download = async (mode: string): Promise<string[]> => {
      await page.selectOption('#calibration', mode);
      const [file] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
      expect(file.suggestedFilename()).toMatch(/^g2rl-live-.*\.csv$/);
      return readFileSync((await file.path())!, 'utf8').trimEnd().split('\n');
    };
    const raw = await download('none');
    expect(raw[0]).toBe(videoCsvHeader(live.aus!, 68).join(','));
    expect(raw).toHaveLength(live.frames + 1); // one row per analysed frame (one face)
    raw.slice(1).forEach((line, i) => {
      const row = parseVideoCsvLine(line, 68, A, `raw.csv:${i + 2}`);
      expect(row.frame).toBe(i + 1);
      row.aus!.forEach((v, a) => expect(Math.abs(v - nodeRows[i]!.aus![a]!)).toBeLessThanOrEqual(0.05));
    });
    const calibratedNode = adjustRows(nodeRows, A, { calibration: 'video', smooth: 1 });
    const calibrated = await download('video');
    expect(calibrated).toHaveLength(live.frames + 1);
    calibrated.slice(1).forEach((line, i) => {
      parseVideoCsvLine(line, 68, A, `video.csv:${i + 2}`).aus!.forEach((v, a) => expect(Math.abs(v - calibratedNode[i]!.aus![a]!)).toBeLessThanOrEqual(0.05));
    });
    await page.close();

    expect(served).toContain('/tfjs-backend-wasm-simd.wasm');
    expect(served).toContain('/model/model.json');
    expect(requests.length).toBeGreaterThan(10);
    for (const url of requests) expect(url.startsWith(base) || url.startsWith(`blob:${base}`), url).toBe(true);
  }, 300_000);

  it('a local video file: its frames are analysed with their media timestamps, then the page stops at its end', async () => {
    const file = join(work, 'clip.webm');
    ffmpeg(['-loop', '1', '-i', HOPPER, '-vf', 'scale=640:-2,crop=640:480', '-t', '2', '-r', '25', '-c:v', 'libvpx', '-b:v', '1M', '-pix_fmt', 'yuv420p', file]);
    const page = await open(`?backend=wasm&detectEvery=${DETECT_EVERY}`);
    await page.setInputFiles('#file', file);
    await page.waitForFunction(() => window.g2rlLive.state === 'stopped' || window.g2rlLive.state === 'error', undefined, { timeout: 120_000 });
    const live = await page.evaluate(() => ({ error: window.g2rlLive.error, rows: window.g2rlLive.rows(), status: document.getElementById('status')!.textContent }));
    expect(live.error).toBeUndefined();
    expect(live.status).toMatch(/the video ended/i);
    expect(live.rows.length).toBeGreaterThanOrEqual(5);
    expect(live.rows.every((r) => r.success === 1)).toBe(true);
    const times = live.rows.map((r) => r.timestamp);
    for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
    expect(times.at(-1)!).toBeLessThanOrEqual(2.05); // the file's own clock, not the wall clock
    await page.close();
  }, 180_000);

  it("'auto' takes webgl on a GPU, else wasm, and says why (headless --disable-gpu: software WebGL, so wasm)", async () => {
    const page = await open('');
    const backend = await page.evaluate(() => window.g2rlLive.backend!);
    console.log(`backend auto in headless Chromium --disable-gpu: ${backend.name}; skipped ${JSON.stringify(backend.skipped)}`);
    expect(['webgl', 'wasm']).toContain(backend.name);
    if (backend.name === 'wasm') {
      expect(backend.skipped.map((s) => s.backend)).toEqual(['webgl']);
      expect(backend.skipped[0]!.reason).toMatch(/software|could not/);
    }
    expect(await page.textContent('#status')).toContain(`Ready: ${backend.name}`);
    await page.close();
  }, 120_000);
});

declare global {
  interface Window { g2rlLive: LiveApi }
}
