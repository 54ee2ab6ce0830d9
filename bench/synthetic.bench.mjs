#!/usr/bin/env node
// Images per second of the synthetic FACS data set (`synthesizeDataset`: sample, render SVG
// with sharp, blur, noise, encode, write), beside a reference measured in the same run: the
// same number of trivial sharp PNG encodes (a flat S×S×3 image, written to disk) at the same
// concurrency — the floor any sharp-based generator pays per image.
// Usage: node bench/synthetic.bench.mjs [--count N=10000] [--size S=160] [--format png|jpeg]
//        (imports packages/datasets/dist: build first)
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = join(here, '..', 'packages', 'datasets');
const sharp = createRequire(join(pkg, 'package.json'))('sharp');
const { synthesizeDataset } = await import(join(pkg, 'dist', 'index.js'));

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const COUNT = Number(arg('count', 10000));
const SIZE = Number(arg('size', 160));
const FORMAT = arg('format', 'png');
const CONCURRENCY = 2 * availableParallelism();
const IDENTITIES = Math.max(1, Math.round(COUNT / 200));

console.log(`synthetic faces: ${COUNT} images ${SIZE}×${SIZE} ${FORMAT}, ${IDENTITIES} identities, concurrency ${CONCURRENCY}, ${availableParallelism()} cores`);

// Reference: trivial encodes of a flat image of the same size, written the same way.
const refDir = await mkdtemp(join(tmpdir(), 'g2rl-bench-ref-'));
const flat = Buffer.alloc(SIZE * SIZE * 3, 128);
let next = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    for (let k = next++; k < COUNT; k = next++) {
      if (k % 200 === 0) await mkdir(join(refDir, String(k / 200)), { recursive: true });
      const raw = sharp(flat, { raw: { width: SIZE, height: SIZE, channels: 3 } });
      const out = FORMAT === 'png' ? await raw.png().toBuffer() : await raw.jpeg({ quality: 92 }).toBuffer();
      await writeFile(join(refDir, `${k}.${FORMAT}`), out);
    }
  }),
);
const refSeconds = (performance.now() - t0) / 1000;
await rm(refDir, { recursive: true, force: true });

const outDir = await mkdtemp(join(tmpdir(), 'g2rl-bench-synth-'));
const t1 = performance.now();
const result = await synthesizeDataset({ outDir, count: COUNT, identities: IDENTITIES, seed: 1, size: SIZE, format: FORMAT, concurrency: CONCURRENCY });
const seconds = (performance.now() - t1) / 1000;
const t2 = performance.now();
const again = await synthesizeDataset({ outDir, count: COUNT, identities: IDENTITIES, seed: 1, size: SIZE, format: FORMAT, concurrency: CONCURRENCY });
const reuseSeconds = (performance.now() - t2) / 1000;
await rm(outDir, { recursive: true, force: true });

const row = (name, n, s) => console.log(`${name.padEnd(44)} ${String(n).padStart(6)} images ${s.toFixed(2).padStart(8)} s ${(n / s).toFixed(1).padStart(8)} images/s`);
row('reference: flat-image sharp encode + write', COUNT, refSeconds);
row('synthesizeDataset (render + encode + write)', result.entries.length, seconds);
console.log(`ratio synthetic / reference time: ${(seconds / refSeconds).toFixed(2)}×; reuse of the written set: ${reuseSeconds.toFixed(2)} s (reused=${again.reused})`);
console.log(`neutral frames ${(100 * result.info.counts.neutralFrames / result.info.counts.images).toFixed(1)} %`);
