#!/usr/bin/env node
// @g2rl/datasets + @g2rl/face data pipeline speed, beside a reference in the same run (sharp
// decoding the same files to raw RGB and nothing else):
//  1. decode + align from files (decodeImage + alignFace, S = 128), one at a time and as
//     cacheAlignedCrops does it (4 decodes in flight);
//  2. training batches (B = 16, S = 128, H = 32, DISFA's 12 AUs → K = 24, augmentation on)
//     from the aligned-crop cache, on the main thread and in one worker thread;
//  3. the same batches decoded and aligned from the files in one worker thread.
// A small-preset training step costs roughly 50–200 ms per image on this CPU, i.e. 5–20
// images/s; the pipeline must deliver more than that.
// Usage: node bench/datasets.bench.mjs [--images N] (imports the packages' dist/).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = (name) => join(here, '..', 'packages', name, 'dist', 'index.js');
const ds = await import(pkg('datasets'));
const face = await import(pkg('face'));
const hm = await import(pkg('heatmaps'));
const { default: sharp } = await import('sharp'); // the root's devDependency, same version as @g2rl/face's

const arg = process.argv.indexOf('--images');
const COUNT = arg > 0 ? Number(process.argv[arg + 1]) : 96;
const [S, H, B] = [128, 32, 16];
const AUS = [...hm.DISFA_AUS];

/** A face drawn with sharp: skin ellipse, dots on the 68 landmarks, some texture; landmarks known. */
async function drawFace(width, height, k, format) {
  const scale = 0.45 * Math.min(width, height) * (1 + 0.1 * Math.sin(k));
  const angle = 0.2 * Math.sin(k * 1.7);
  const [cx, cy] = [width / 2 + 5 * Math.cos(k), height / 2 + 5 * Math.sin(k * 0.3)];
  const lm = new Float32Array(136);
  for (let i = 0; i < 68; i++) {
    const x = (hm.MEAN_FACE_IBUG68[2 * i] - 0.5) * scale;
    const y = (hm.MEAN_FACE_IBUG68[2 * i + 1] - 0.45) * scale;
    lm[2 * i] = cx + Math.cos(angle) * x - Math.sin(angle) * y;
    lm[2 * i + 1] = cy + Math.sin(angle) * x + Math.cos(angle) * y;
  }
  const dots = Array.from({ length: 68 }, (_, i) => `<circle cx="${lm[2 * i]}" cy="${lm[2 * i + 1]}" r="2" fill="#402010"/>`).join('');
  const stripes = Array.from({ length: 20 }, (_, i) => `<rect x="0" y="${i * height / 20}" width="${width}" height="${height / 40}" fill="#${(i * 9 + k) % 10}0${(i * 3) % 10}0a0" opacity="0.3"/>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#5070a0"/>${stripes}` +
    `<ellipse cx="${cx}" cy="${cy + 0.05 * scale}" rx="${0.5 * scale}" ry="${0.6 * scale}" fill="#e0b090"/>${dots}</svg>`;
  const image = sharp(Buffer.from(svg)).removeAlpha();
  return { bytes: await (format === 'png' ? image.png() : image.jpeg({ quality: 90 })).toBuffer(), landmarks: lm };
}

async function makeSet(dir, width, height, format) {
  const samples = [];
  for (let k = 0; k < COUNT; k++) {
    const { bytes, landmarks } = await drawFace(width, height, k, format);
    const image = join(dir, `${width}x${height}-${k}.${format === 'png' ? 'png' : 'jpg'}`);
    await writeFile(image, bytes);
    samples.push({ id: `s${k}`, subject: `p${k % 8}`, frame: k, image, landmarks, scheme: 'ibug68', aus: AUS,
      intensities: Float32Array.from(AUS, (_, a) => (k + a) % 6) });
  }
  return samples;
}

async function timed(fn) {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, result };
}

const rate = (n, s) => `${(n / s).toFixed(1).padStart(8)} images/s  (${((1000 * s) / n).toFixed(2)} ms/image)`;
const root = await mkdtemp(join(tmpdir(), 'g2rl-bench-datasets-'));
try {
  for (const [width, height, format] of [[160, 160, 'png'], [640, 480, 'jpeg']]) {
    const samples = await makeSet(root, width, height, format);
    console.log(`\n${COUNT} ${format.toUpperCase()} images ${width}×${height} → aligned ${S}×${S}`);
    const reference = await timed(async () => { for (const s of samples) await sharp(s.image).raw().toBuffer(); });
    console.log(`  reference: sharp decode to raw alone      ${rate(COUNT, reference.seconds)}`);
    const decoded = await Promise.all(samples.slice(0, 8).map((s) => face.decodeImage(s.image)));
    const alignOnly = await timed(async () => { for (let i = 0; i < COUNT; i++) face.alignFace(decoded[i % 8], samples[i % 8].landmarks, { size: S }); });
    console.log(`  alignFace alone (image already decoded)   ${rate(COUNT, alignOnly.seconds)}`);
    const serial = await timed(async () => { for (const s of samples) face.alignFace(await face.decodeImage(s.image), s.landmarks, { size: S }); });
    console.log(`  decodeImage + alignFace, one at a time    ${rate(COUNT, serial.seconds)}`);
    const cacheDir = join(root, `cache-${width}`);
    const built = await timed(() => ds.cacheAlignedCrops(samples, { size: S, cacheDir }));
    console.log(`  cacheAlignedCrops (4 in flight, + write)  ${rate(COUNT, built.seconds)}`);
    const reloaded = await timed(() => ds.cacheAlignedCrops(samples, { size: S, cacheDir }));
    console.log(`  cacheAlignedCrops again (load from disk)  ${rate(COUNT, reloaded.seconds)}`);
    const cache = reloaded.result;
    const batches = Math.ceil((2 * COUNT) / B);
    for (const [label, options] of [
      ['batches from cache, main thread        ', { cache, workers: 0 }],
      ['batches from cache, 1 worker thread    ', { cache, workers: 1 }],
      ['batches from files, 1 worker thread    ', { workers: 1 }],
    ]) {
      const loader = new ds.BatchLoader({ samples, batchSize: B, size: S, heatmapSize: H, aus: AUS, augment: true, seed: 1, ...options });
      await loader.nextBatch(); // warm-up (worker start, JIT)
      const run = await timed(async () => { for (let i = 0; i < batches; i++) await loader.nextBatch(); });
      await loader.close();
      console.log(`  ${label}   ${rate(batches * B, run.seconds)}  = ${(batches / run.seconds).toFixed(1)} batches/s of ${B}`);
    }
  }
  console.log('\nA small-preset training step: ~50–200 ms/image (5–20 images/s); every loader row above must exceed that.');
} finally {
  await rm(root, { recursive: true, force: true });
}
