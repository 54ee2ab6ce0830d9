/// <reference lib="dom" />
// The web page at `/`, end to end in headless Chromium (Debian's /usr/bin/chromium driven
// by playwright-core): pick a real photo, wait for the analysis, check the drawing and the
// bars; then a bad file must show the problem text. CI installs chromium (.ci/run).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faceApiModelDir } from '@g2rl/face';
import { createServer, type G2rlServer } from './server.js';
import { writeFixedModel } from './test-support.js';

const CHROMIUM = process.env.G2RL_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  // CI sets G2RL_REQUIRE_BROWSER=1: there a missing browser is a failure, never a green skip.
  if (process.env.G2RL_REQUIRE_BROWSER === '1') throw new Error(`G2RL_REQUIRE_BROWSER=1 but ${CHROMIUM} is not there (apt-get install chromium)`);
  console.warn(`page.test: ${CHROMIUM} not found (apt-get install chromium); the browser test is skipped`);
}

// face-api's demo photos, installed with it (beside its weights folder).
const demoDir = join(faceApiModelDir(), '..', 'demo');

describe.skipIf(!haveChromium)('web page in headless Chromium', () => {
  let server: G2rlServer;
  let base: string;
  let context: BrowserContext;
  let page: Page;
  const dirs: string[] = [];

  beforeAll(async () => {
    const modelDir = mkdtempSync(join(tmpdir(), 'g2rl-page-model-'));
    const profile = mkdtempSync(join(tmpdir(), 'g2rl-page-profile-'));
    dirs.push(modelDir, profile);
    await writeFixedModel(modelDir, {
      aus: [1, 12, 25], size: 64, heatmapSize: 16, sigma: 1,
      points: [4, 3, 11, 3, 5, 11, 10, 11, 7, 13, 8, 13], intensities: [3, 1.5, 4],
    });
    server = await createServer({ modelDir, port: 0 });
    base = await server.listen();
    await server.pool.ready;
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    // Only our loopback server may be reached.
    await page.route('**/*', (route) => (route.request().url().startsWith(base) || route.request().url().startsWith('data:') ? route.continue() : route.abort()));
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('analyses a picked photo: faces drawn, one bar per AU, heatmaps overlaid', async () => {
    await page.goto(base);
    await expect.poll(() => page.textContent('#model-info'), { timeout: 10_000 }).toMatch(/3 AUs \(AU1, AU12, AU25\)/);
    const photo = await sharp(join(demoDir, 'sample1.jpg')).resize({ width: 640 }).jpeg().toBuffer();
    await page.setInputFiles('#file', { name: 'sample1.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 60_000 });
    expect(await page.getAttribute('body', 'data-state')).toBe('done');
    const faces = await page.locator('.face').count();
    expect(faces).toBeGreaterThanOrEqual(2);
    expect(await page.locator('.face .au').count()).toBe(faces * 3);
    // AU1 = 3 of 5 → a bar 60 % wide; AU25 = 4 → 80 %.
    expect(await page.locator('.face').first().locator('.au[data-au="1"] .bar').getAttribute('style')).toMatch(/width:\s*60%/);
    expect(await page.locator('.face').first().locator('.au[data-au="25"] .value').textContent()).toBe('4.00');
    // …and rendered that wide, not just styled so.
    const track = await page.locator('.face').first().locator('.au[data-au="1"] .track').boundingBox();
    const bar = await page.locator('.face').first().locator('.au[data-au="1"] .bar').boundingBox();
    expect(bar!.width / track!.width).toBeCloseTo(0.6, 2);
    expect(bar!.height).toBeGreaterThan(5);
    const canvas = await page.evaluate(() => {
      const c = document.getElementById('canvas') as HTMLCanvasElement;
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      // Count strongly orange pixels (heatmap overlay and AU points) and landmark blue ones.
      let orange = 0;
      let blue = 0;
      for (let p = 0; p < data.length; p += 4) {
        if (data[p]! > 200 && data[p + 1]! < 140 && data[p + 2]! < 80) orange++;
        if (data[p]! < 60 && data[p + 1]! > 100 && data[p + 2]! > 180) blue++;
      }
      return { width: c.width, height: c.height, orange, blue };
    });
    expect(canvas.width).toBe(640);
    expect(canvas.orange).toBeGreaterThan(50);
    expect(canvas.blue).toBeGreaterThan(50);
    // The overlay transform puts heatmap pixel (7, 13) (AU25's first point) exactly on the
    // point the server reports for it, for every face.
    const offsets = await page.evaluate(() => {
      const api = (window as unknown as { g2rl: { heatmapToCanvas: (inv: number[], S: number, H: number) => number[]; last: () => { faces: { inverse: number[]; aus: { points: number[][] }[] }[] } } }).g2rl;
      return api.last().faces.map((face) => {
        const [a, b, tx, c, d, ty] = api.heatmapToCanvas(face.inverse, 64, 16);
        const x = a * 7.5 + b * 13.5 + tx - 0.5;
        const y = c * 7.5 + d * 13.5 + ty - 0.5;
        const [px, py] = face.aus[2]!.points[0]!;
        return Math.hypot(x - px!, y - py!);
      });
    });
    for (const offset of offsets) expect(offset).toBeLessThan(0.1);
    await page.screenshot({ path: join(tmpdir(), 'g2rl-page.png'), fullPage: true });
  });

  it('shows the problem detail for a file that is not an image', async () => {
    await page.setInputFiles('#file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('just some text') });
    await page.waitForSelector('body[data-state="error"]', { timeout: 20_000 });
    expect(await page.textContent('#status')).toMatch(/Unsupported media type: .*image\/jpeg, image\/png or image\/webp/);
  });
});
