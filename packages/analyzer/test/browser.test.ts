/// <reference lib="dom" />
// @g2rl/analyzer's browser entry in Debian's Chromium (playwright-core): the page loads the
// model and face-api's weights from a loopback server, analyses a photo's pixels and an
// <img>, and its AU intensities must equal Node's on the same pixels within 0.02. No request
// may leave 127.0.0.1. CI sets G2RL_REQUIRE_BROWSER=1: there a missing Chromium fails.
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, faceApiModelDir } from '@g2rl/face';
import { modelDir } from '@g2rl/model-small-synthetic';
import { createAnalyzer, type ImageResult } from '../src/node.js';

const CHROMIUM = process.env.G2RL_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  if (process.env.G2RL_REQUIRE_BROWSER === '1') throw new Error(`G2RL_REQUIRE_BROWSER=1 but ${CHROMIUM} is not there (apt-get install chromium)`);
  console.warn(`browser.test: ${CHROMIUM} not found (apt-get install chromium); the browser test is skipped`);
}

const here = dirname(fileURLToPath(import.meta.url));
const PHOTO = join(here, 'fixtures', 'grace-hopper.jpg');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.json': 'application/json', '.html': 'text/html', '.jpg': 'image/jpeg' };

describe.skipIf(!haveChromium)('the browser entry in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let base: string;
  const work = mkdtempSync(join(tmpdir(), 'g2rl-browser-'));

  beforeAll(async () => {
    await build({ entryPoints: [join(here, 'browser-page.ts')], bundle: true, platform: 'browser', format: 'esm', outfile: join(work, 'app.js'), logLevel: 'silent' });
    const image = await decodeImage(PHOTO);
    const routes: Record<string, () => Buffer> = {
      '/': () => Buffer.from('<!doctype html><meta charset="utf-8"><title>g2rl analyzer test</title><script type="module" src="/app.js"></script>'),
      '/app.js': () => readFileSync(join(work, 'app.js')),
      '/image.jpg': () => readFileSync(PHOTO),
      '/image.rgb': () => Buffer.from(image.data),
      '/image.json': () => Buffer.from(JSON.stringify({ width: image.width, height: image.height })),
    };
    // Static folders; the path is normalised and must stay inside its folder.
    const folders: Record<string, string> = { '/model/': modelDir, '/face-api/': faceApiModelDir() };
    server = createServer((request, response) => {
      const url = (request.url ?? '/').split('?')[0]!;
      const route = routes[url];
      let body: Buffer | undefined = route?.();
      let type = url === '/' ? 'text/html' : TYPES[extname(url)] ?? 'application/octet-stream';
      for (const [prefix, dir] of Object.entries(folders)) {
        if (!body && url.startsWith(prefix)) {
          const file = normalize(join(dir, decodeURIComponent(url.slice(prefix.length))));
          if (file.startsWith(dir) && existsSync(file) && statSync(file).isFile()) body = readFileSync(file);
          type = TYPES[extname(file)] ?? 'application/octet-stream';
        }
      }
      response.writeHead(body ? 200 : 404, { 'content-type': type });
      response.end(body ?? 'not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(work, { recursive: true, force: true });
  });

  it('gives the AUs Node gives on the same pixels (±0.02), and no request leaves localhost', async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.route('**/*', (route) => (route.request().url().startsWith(base) ? route.continue() : route.abort()));
    await page.goto(base);
    await page.waitForFunction(() => window.g2rlResult !== undefined || window.g2rlError !== undefined, undefined, { timeout: 180_000 });
    const error = await page.evaluate(() => window.g2rlError);
    expect(error).toBeUndefined();
    const { fromPixels, fromElement, leaked } = (await page.evaluate(() => window.g2rlResult)) as { fromPixels: ImageResult; fromElement: ImageResult; leaked: number };
    await page.screenshot({ path: join(here, '..', 'test-results', 'browser.png') }).catch(() => undefined);
    await page.close();

    const node = await createAnalyzer({ backend: 'cpu', detector: 'ssd' }); // the browser's detector
    const expected = await node.analyze(await decodeImage(PHOTO));
    node.dispose();
    expect(fromPixels.faces).toHaveLength(expected.faces.length);
    expect(fromPixels.faces.length).toBe(1);
    const browserAus = fromPixels.faces[0]!.aus;
    expected.faces[0]!.aus.forEach((au, a) => {
      expect(browserAus[a]!.au).toBe(au.au);
      expect(Math.abs(browserAus[a]!.intensity - au.intensity), `AU${au.au}`).toBeLessThanOrEqual(0.02);
    });
    // an <img> element (Chromium's own JPEG decoder) finds the same face
    expect(fromElement.faces).toHaveLength(1);
    expect(Math.abs(fromElement.faces[0]!.box.x - expected.faces[0]!.box.x)).toBeLessThan(5);
    expect(leaked).toBe(0);
    expect(requests.length).toBeGreaterThan(5);
    for (const url of requests) expect(url.startsWith(base), url).toBe(true);
  }, 240_000);
});
