// The live page's speed in headless Chromium (`pnpm bench live` at the root, or
// `node bench/live.bench.mjs`): the built page (dist/web) on a loopback static server, a fake
// camera playing a 640×480, 30 frames/s clip of Grace Hopper (ffmpeg), and per configuration
// the frames/s over 12 s after a 5 s warm-up, with ms per frame per stage: grab (canvas read),
// detector, landmarks + quality check, align + model + decode, draw. Configurations: wasm
// (SIMD, one thread: what a plain static host gives), wasm with threads (the page
// cross-origin isolated: COOP/COEP headers, which g2rl-serve's /live does not send), webgl (when the headless build
// has it: SwiftShader, on the CPU); each with tracking (detector every 10 frames) and the
// quality check's second landmark pass every 5 tracked frames (the page's default) or on
// every frame (as g2rl-analyze), and, as the reference in the same run, the detector on every frame.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.G2RL_CHROMIUM ?? '/usr/bin/chromium';
const HOPPER = join(here, '..', 'test', 'fixtures', 'grace-hopper.jpg');
const WARMUP_MS = Number(process.env.WARMUP_MS ?? 5000);
const MEASURE_MS = Number(process.env.MEASURE_MS ?? 12000);
const TYPES = { '.js': 'text/javascript', '.json': 'application/json', '.html': 'text/html', '.css': 'text/css', '.wasm': 'application/wasm' };

if (!existsSync(CHROMIUM)) {
  console.error(`live.bench: ${CHROMIUM} not found (apt-get install chromium)`);
  process.exit(1);
}
const { writeStaticSite, defaultModelDir } = await import('../dist/node.js');
const work = mkdtempSync(join(tmpdir(), 'g2rl-live-bench-'));
const site = writeStaticSite(join(work, 'site'), { modelDir: await defaultModelDir() }).outDir;
const clip = join(work, 'clip.y4m');
execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-i', HOPPER, '-vf',
  "scale=1200:-2,zoompan=z='1+0.3*sin(on/40)^2':d=120:x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':s=640x480:fps=30", '-frames:v', '120', '-pix_fmt', 'yuv420p', clip]);

/** A static server; `isolated` adds the headers that let wasm use threads (SharedArrayBuffer). */
async function serve(isolated) {
  const server = createServer((request, response) => {
    const url = decodeURIComponent((request.url ?? '/').split('?')[0]);
    const file = normalize(join(site, url === '/' ? 'index.html' : url));
    if (!file.startsWith(site) || !existsSync(file) || !statSync(file).isFile()) return response.writeHead(404).end();
    const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' };
    if (isolated) Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    response.writeHead(200, headers).end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];

async function measure(context, base, query) {
  const page = await context.newPage();
  await page.goto(`${base}/index.html?${query}`);
  await page.waitForFunction(() => window.g2rlLive?.state !== 'loading', undefined, { timeout: 180_000 });
  const ready = await page.evaluate(() => ({ state: window.g2rlLive.state, error: window.g2rlLive.error, backend: window.g2rlLive.backend }));
  if (ready.state !== 'ready') { await page.close(); return { query, error: ready.error }; }
  await page.click('#camera');
  await page.waitForTimeout(WARMUP_MS);
  const a = await page.evaluate(() => ({ t: performance.now(), ...window.g2rlLive.totals() }));
  await page.waitForTimeout(MEASURE_MS);
  const b = await page.evaluate(() => ({ t: performance.now(), ...window.g2rlLive.totals() }));
  await page.click('#stop');
  await page.close();
  const n = Math.max(1, b.frames - a.frames);
  const ms = (k) => (b[k] - a[k]) / n;
  const { name, simd, threads } = ready.backend;
  return {
    query, backend: `${name}${simd ? ' SIMD' : ''}${threads ? ' threads' : ''}`, frames: b.frames - a.frames, fps: (1000 * (b.frames - a.frames)) / (b.t - a.t),
    detections: b.detections - a.detections, grab: ms('grab'), detect: ms('detect'), landmarks: ms('landmarks'), model: ms('model'), draw: ms('draw'), load: load(),
  };
}

const configs = [
  { isolated: false, backend: 'wasm', label: 'wasm, one thread (plain static host)' },
  { isolated: true, backend: 'wasm', label: 'wasm, threads (the page cross-origin isolated)' },
  { isolated: false, backend: 'webgl', label: 'webgl (headless: SwiftShader on the CPU)' },
];
const only = process.argv[2];
const rows = [];
const context = await chromium.launchPersistentContext(join(work, 'profile'), {
  executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
    '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${clip}`],
});
try {
  for (const c of configs) {
    if (only && !c.label.includes(only) && c.backend !== only) continue;
    const { server, base } = await serve(c.isolated);
    const variants = c.backend === 'webgl' ? [[10, 5]] : [[10, 5], [10, 1], [1, 1]];
    for (const [detectEvery, shiftCheckEvery] of variants) {
      const r = await measure(context, base, `backend=${c.backend}&detectEvery=${detectEvery}&shiftCheckEvery=${shiftCheckEvery}`);
      rows.push({ config: c.label, detectEvery, shiftCheckEvery, ...r });
      console.log(JSON.stringify(rows.at(-1)));
    }
    server.close();
  }
} finally {
  await context.close();
  rmSync(work, { recursive: true, force: true });
}
const f = (v) => (typeof v === 'number' ? v.toFixed(1) : '–');
console.log(`\nlive page, 640×480 fake camera at 30 frames/s, ${MEASURE_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up; ${(await import('node:os')).cpus().length} cores; load average at each end shown\n`);
console.log('| configuration | detector | shift check | backend (as the page reports it) | frames/s | ms per frame: grab / detector / landmarks + check / align + model / draw | load |');
console.log('| --- | --- | --- | --- | ---: | --- | ---: |');
for (const r of rows) {
  if (r.error) { console.log(`| ${r.config} | every ${r.detectEvery} | every ${r.shiftCheckEvery} | failed: ${r.error} | | | |`); continue; }
  console.log(`| ${r.config} | ${r.detectEvery === 1 ? 'every frame' : `every ${r.detectEvery} (tracking)`} | ${r.shiftCheckEvery === 1 ? 'every frame' : `every ${r.shiftCheckEvery}`} | ${r.backend} | ${f(r.fps)} | ${f(r.grab)} / ${f(r.detect)} / ${f(r.landmarks)} / ${f(r.model)} / ${f(r.draw)} | ${r.load} |`);
}
