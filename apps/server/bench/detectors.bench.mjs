#!/usr/bin/env node
// `node apps/server/bench/detectors.bench.mjs`: face-api's SSD and Tiny detectors against
// BlazeFace (@vladmandic/human's weights) — recall and landmark error on synthetic faces of
// several sizes and in-plane rotations pasted into 640×480 frames (the renderer's landmarks are
// the truth), faces found in real photos (face-api's six demo photos and Grace Hopper; their
// truth is the union of what any detector finds, checked by eye once: see the README), and
// speed (ms per 640×480 frame for the boxes, the one landmark pass per face, on one thread).
// Env: BENCH_BACKEND (default native), BENCH_SYNTHETIC (faces per size, default 12).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@g2rl/backend';
import { renderFace, sampleFaceParams, syntheticRng } from '@g2rl/datasets';
import { DETECTORS, createFaceDetector, decodeImage, faceApiModelDir, iou } from '@g2rl/face';

const here = dirname(fileURLToPath(import.meta.url));
const BACKEND = process.env.BENCH_BACKEND ?? 'native';
const PER_SIZE = Number(process.env.BENCH_SYNTHETIC ?? 12);
const FACE_SIZES = [48, 64, 96, 128, 192, 288];
const backend = await initBackend({ prefer: BACKEND, quiet: true, loaders: { native: () => import('@g2rl/backend-native') } });
if (backend.name === 'native') (await import('@g2rl/backend-native')).loadAddon().addon.setThreads(1);

const median = (values) => { const s = [...values].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const mean = (values) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

/** Mean landmark distance / inter-ocular distance (eye centres: points 36–41, 42–47). */
function nme(found, truth) {
  const eye = (p, a) => [0, 1].map((k) => mean([0, 1, 2, 3, 4, 5].map((i) => p[2 * (a + i) + k])));
  const [l, r] = [eye(truth, 36), eye(truth, 42)];
  const d = Math.hypot(l[0] - r[0], l[1] - r[1]);
  let sum = 0;
  for (let n = 0; n < 68; n++) sum += Math.hypot(found[2 * n] - truth[2 * n], found[2 * n + 1] - truth[2 * n + 1]);
  return sum / 68 / d;
}

/** Synthetic frames: a rendered face (side = 1.6× the face size) pasted at a random place into a 640×480 frame of its own background colour. */
async function syntheticFrames() {
  const rng = syntheticRng(2026);
  const frames = [];
  for (const faceSize of FACE_SIZES) {
    for (let i = 0; i < PER_SIZE; i++) {
      const side = Math.round(faceSize * 1.6);
      const intensities = Array.from({ length: 12 }, () => (rng.uniform(0, 1) < 0.4 ? rng.uniform(0, 5) : 0));
      const rendered = await renderFace(sampleFaceParams(rng, { size: side, intensities, maxRotation: 30 }), 'png');
      const tile = await sharp(rendered.png).raw().toBuffer();
      const left = Math.floor(rng.uniform(0, 640 - side));
      const top = Math.floor(rng.uniform(0, 480 - side));
      const frame = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: tile[0], g: tile[1], b: tile[2] } } })
        .composite([{ input: rendered.png, left, top }]).removeAlpha().raw().toBuffer();
      const truth = rendered.landmarks.map((v, k) => v + (k % 2 === 0 ? left : top));
      frames.push({ faceSize, image: { data: new Uint8Array(frame), width: 640, height: 480, channels: 3 }, truth });
    }
  }
  return frames;
}

async function photos() {
  const demo = join(faceApiModelDir(), '..', 'demo');
  const files = [1, 2, 3, 4, 5, 6].map((k) => join(demo, `sample${k}.jpg`));
  files.push(join(here, '..', '..', '..', 'packages', 'analyzer', 'test', 'fixtures', 'grace-hopper.jpg'));
  return Promise.all(files.map(async (file) => ({ name: file.split('/').pop(), image: await decodeImage(readFileSync(file)) })));
}

const frames = await syntheticFrames();
const realPhotos = await photos();
const bench640 = await decodeImage(await sharp(join(faceApiModelDir(), '..', 'demo', 'sample1.jpg')).extract({ left: 180, top: 200, width: 640, height: 480 }).jpeg({ quality: 90 }).toBuffer());
const results = {};
const photoBoxes = {};
for (const kind of DETECTORS) {
  const detector = await createFaceDetector({ detector: kind, minConfidence: 0.5, maxFaces: 20 });
  // synthetic recall: a box whose centre is within the true face's landmark hull, and its landmarks' NME
  const bySize = {};
  for (const f of frames) {
    const faces = await detector.detect(f.image);
    const xs = [], ys = [];
    for (let n = 0; n < 68; n++) { xs.push(f.truth[2 * n]); ys.push(f.truth[2 * n + 1]); }
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const hit = faces.find((d) => { const cx = d.box.x + d.box.width / 2, cy = d.box.y + d.box.height / 2; return cx >= x0 && cx <= x1 && cy >= y0 && cy <= y1; });
    const entry = (bySize[f.faceSize] ??= { found: 0, total: 0, nme: [], falsePositives: 0 });
    entry.total++;
    entry.falsePositives += faces.length - (hit ? 1 : 0);
    if (hit) { entry.found++; entry.nme.push(nme(hit.landmarks, f.truth)); }
  }
  photoBoxes[kind] = [];
  for (const p of realPhotos) photoBoxes[kind].push(await detector.detect(p.image));
  // speed on the bench frame (one face): boxes, then the landmark pass, after warm-up
  const boxMs = [], landmarkMs = [];
  for (let i = 0; i < 25; i++) {
    let t = performance.now();
    const boxes = await detector.detectBoxes(bench640);
    const box = performance.now() - t;
    t = performance.now();
    await detector.detectLandmarks(bench640, boxes.map((b) => b.box));
    if (i >= 5) { boxMs.push(box); landmarkMs.push(performance.now() - t); }
  }
  results[kind] = { bySize, boxMs: median(boxMs), landmarkMs: median(landmarkMs) };
}

// Real photos: the truth is the union of every detector's faces (clustered by IoU > 0.3).
const photoRows = realPhotos.map((p, i) => {
  const union = [];
  for (const kind of DETECTORS) for (const f of photoBoxes[kind][i]) if (!union.some((u) => iou(u.box, f.box) > 0.3)) union.push(f);
  const ssd = photoBoxes.ssd[i];
  const row = { name: p.name, union: union.length };
  for (const kind of DETECTORS) {
    const found = union.filter((u) => photoBoxes[kind][i].some((f) => iou(u.box, f.box) > 0.3)).length;
    // landmark agreement with SSD's on the faces both find
    const agreement = photoBoxes[kind][i].flatMap((f) => { const s = ssd.find((g) => iou(g.box, f.box) > 0.3); return s ? [nme(f.landmarks, s.landmarks)] : []; });
    row[kind] = { found, agreement };
  }
  return row;
});

const f = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '–');
console.log(`detectors.bench: backend ${backend.name} (1 thread), ${PER_SIZE} synthetic faces per size, rotation ≤ ±30°; tensors left ${tf.memory().numTensors}`);
console.log('\nSynthetic faces in 640×480 frames: found / total (mean landmark NME vs the renderer, inter-ocular)');
console.log(['face px', ...DETECTORS].map((h) => h.padStart(22)).join(''));
for (const size of FACE_SIZES) {
  console.log([String(size), ...DETECTORS.map((k) => { const e = results[k].bySize[size]; return `${e.found}/${e.total} (${f(mean(e.nme), 3)})`; })].map((c) => c.padStart(22)).join(''));
}
console.log(['false pos.', ...DETECTORS.map((k) => String(Object.values(results[k].bySize).reduce((a, e) => a + e.falsePositives, 0)))].map((c) => c.padStart(22)).join(''));
console.log('\nReal photos: faces found of the union of all detectors (landmark NME vs SSD-framed landmarks, faces both find)');
console.log(['photo', 'union', ...DETECTORS].map((h) => h.padStart(18)).join(''));
for (const r of photoRows) console.log([r.name, String(r.union), ...DETECTORS.map((k) => `${r[k].found} (${f(mean(r[k].agreement), 3)})`)].map((c) => c.padStart(18)).join(''));
const totals = DETECTORS.map((k) => photoRows.reduce((a, r) => a + r[k].found, 0));
console.log(['total', String(photoRows.reduce((a, r) => a + r.union, 0)), ...totals.map(String)].map((c) => c.padStart(18)).join(''));
console.log('\nSpeed on the bench frame (640×480, one face), median ms on one thread');
for (const k of DETECTORS) console.log(`  ${k.padEnd(10)} boxes ${f(results[k].boxMs)} ms, landmarks ${f(results[k].landmarkMs)} ms`);
