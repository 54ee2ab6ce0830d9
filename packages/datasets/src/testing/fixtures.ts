// Test fixtures in the exact on-disk layouts of DISFA, BP4D (FERA 2015) and the manifest,
// made of simple drawn faces whose landmarks are known exactly. The tests write them into
// a temporary folder in their setup (beforeAll), so no binary fixture lives in the repo.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LANDMARK_SCHEMES, MEAN_FACE_IBUG68, type LandmarkScheme } from '@g2rl/heatmaps';
import sharp from 'sharp';
import { writeMatV5 } from '../readers/mat-v5.js';
import { mixSeed, mulberry32 } from '@g2rl/common';

export const FIXTURE_IMAGE_SIZE = 96;

/** 68 iBUG landmarks of a face placed by a seeded similarity inside a 96×96 picture. */
export function fixtureLandmarks(seed: number): Float32Array {
  const random = mulberry32(mixSeed(seed, 0xface));
  const scale = 52 + 10 * random();
  const angle = (random() - 0.5) * 0.3;
  const [cx, cy] = [48 + (random() - 0.5) * 8, 46 + (random() - 0.5) * 8];
  const out = new Float32Array(136);
  for (let i = 0; i < 68; i++) {
    const x = (MEAN_FACE_IBUG68[2 * i] - 0.5) * scale;
    const y = (MEAN_FACE_IBUG68[2 * i + 1] - 0.45) * scale;
    out[2 * i] = cx + Math.cos(angle) * x - Math.sin(angle) * y;
    out[2 * i + 1] = cy + Math.sin(angle) * x + Math.cos(angle) * y;
  }
  return out;
}

/** The landmarks of `scheme` taken from 68 iBUG points. */
export function toScheme(ibug: Float32Array, scheme: LandmarkScheme): Float32Array {
  const map = LANDMARK_SCHEMES[scheme].toIbug68;
  const out = new Float32Array(map.length * 2);
  map.forEach((j, i) => {
    out[2 * i] = ibug[2 * j];
    out[2 * i + 1] = ibug[2 * j + 1];
  });
  return out;
}

/** A simple face: skin ellipse through the jaw, a dark dot on every landmark. */
export async function drawFixtureFace(landmarks68: Float32Array, format: 'png' | 'jpeg' = 'png'): Promise<Buffer> {
  const xs = landmarks68.filter((_, i) => i % 2 === 0);
  const ys = landmarks68.filter((_, i) => i % 2 === 1);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const dots = Array.from({ length: 68 }, (_, i) =>
    `<circle cx="${landmarks68[2 * i].toFixed(2)}" cy="${landmarks68[2 * i + 1].toFixed(2)}" r="1.2" fill="#301810"/>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${FIXTURE_IMAGE_SIZE}" height="${FIXTURE_IMAGE_SIZE}">` +
    `<rect width="100%" height="100%" fill="#6080a0"/>` +
    `<ellipse cx="${(minX + maxX) / 2}" cy="${(minY + maxY) / 2}" rx="${(maxX - minX) / 2 + 2}" ry="${(maxY - minY) / 2 + 6}" fill="#e0b090"/>` +
    `${dots}</svg>`;
  const image = sharp(Buffer.from(svg)).removeAlpha();
  return format === 'png' ? image.png().toBuffer() : image.jpeg({ quality: 92 }).toBuffer();
}

/** Intensity the fixtures give AU `au` at `frame` of subject number `subject` (0–5). */
export function fixtureIntensity(subject: number, frame: number, au: number): number {
  return (subject + frame * 2 + au) % 6;
}

export interface FixtureLayout {
  disfa: string;
  bp4d: string;
  manifestJsonl: string;
  manifestCsv: string;
}

export const FIXTURE_DISFA_SUBJECTS = ['SN001', 'SN002', 'SN003'];
export const FIXTURE_BP4D_SEQUENCES = [['F001', 'T1'], ['F002', 'T1'], ['M001', 'T2']] as const;
export const FIXTURE_FRAMES = [1, 2, 3, 4];
const DISFA_FIXTURE_AUS = [1, 2, 4, 5, 6, 9, 12, 15, 17, 20, 25, 26];
const BP4D_FIXTURE_AUS = [6, 10, 12, 14, 17];

/**
 * Writes all fixtures under `root`. DISFA: 3 subjects × 4 frames, 66-point `.mat` landmarks
 * (the first subject's compressed, as MATLAB's -v7 writes them). BP4D: 3 sequences × 4
 * frames, 49-point landmark CSVs, frame 2's AU10 coded 9 (missing). Manifests: 6 samples, 68 points.
 */
export async function makeFixtures(root: string): Promise<FixtureLayout> {
  const layout: FixtureLayout = {
    disfa: join(root, 'DISFA'),
    bp4d: join(root, 'BP4D'),
    manifestJsonl: join(root, 'own', 'manifest.jsonl'),
    manifestCsv: join(root, 'own', 'manifest.csv'),
  };
  for (const [s, subject] of FIXTURE_DISFA_SUBJECTS.entries()) {
    const labels = join(layout.disfa, 'ActionUnit_Labels', subject);
    const marks = join(layout.disfa, 'Landmark_Points', subject, 'tmp_frame_lm');
    const images = join(layout.disfa, 'Images', subject);
    await Promise.all([labels, marks, images].map((d) => mkdir(d, { recursive: true })));
    for (const au of DISFA_FIXTURE_AUS) {
      const lines = FIXTURE_FRAMES.map((f) => `${f},${fixtureIntensity(s, f, au)}`);
      await writeFile(join(labels, `${subject}_au${au}.txt`), lines.join('\n') + '\n');
    }
    for (const frame of FIXTURE_FRAMES) {
      const ibug = fixtureLandmarks(s * 100 + frame);
      const pts = toScheme(ibug, 'disfa66');
      const rows = Array.from({ length: 66 }, (_, i) => [pts[2 * i], pts[2 * i + 1]]);
      await writeFile(join(marks, `l${String(frame).padStart(4, '0')}_lm.mat`), writeMatV5({ pts: rows }, s === 0));
      await writeFile(join(images, `${String(frame).padStart(5, '0')}.png`), await drawFixtureFace(ibug));
    }
  }
  for (const [s, [subject, task]] of FIXTURE_BP4D_SEQUENCES.entries()) {
    const images = join(layout.bp4d, 'Images', subject, task);
    await mkdir(images, { recursive: true });
    await mkdir(join(layout.bp4d, 'Landmarks'), { recursive: true });
    for (const au of BP4D_FIXTURE_AUS) {
      const dir = join(layout.bp4d, 'AU-Intensity-Codes3.0', `AU${String(au).padStart(2, '0')}`);
      await mkdir(dir, { recursive: true });
      const lines = FIXTURE_FRAMES.map((f) => `${f},${au === 10 && f === 2 ? 9 : fixtureIntensity(s, f, au)}`);
      await writeFile(join(dir, `${subject}_${task}_AU${String(au).padStart(2, '0')}.csv`), lines.join('\n') + '\n');
    }
    const landmarkLines: string[] = [];
    for (const frame of FIXTURE_FRAMES) {
      const ibug = fixtureLandmarks(1000 + s * 100 + frame);
      landmarkLines.push([frame, ...Array.from(toScheme(ibug, 'bp4d49'), (v) => v.toFixed(3))].join(','));
      await writeFile(join(images, `${String(frame).padStart(4, '0')}.jpg`), await drawFixtureFace(ibug, 'jpeg'));
    }
    await writeFile(join(layout.bp4d, 'Landmarks', `${subject}_${task}.csv`), landmarkLines.join('\n') + '\n');
  }
  const own = join(root, 'own');
  await mkdir(join(own, 'images'), { recursive: true });
  const jsonl: string[] = [];
  const csv = [['image', 'subject', 'frame', ...Array.from({ length: 68 }, (_, i) => `x${i},y${i}`), 'AU1', 'AU12'].join(',')];
  for (let k = 0; k < 6; k++) {
    const ibug = fixtureLandmarks(5000 + k);
    const image = `images/${k}.png`;
    await writeFile(join(own, image), await drawFixtureFace(ibug));
    const subject = `id${k % 3}`;
    const intensities = [k % 6, k === 5 ? null : (k * 2) % 6];
    jsonl.push(JSON.stringify({ id: `own/${k}`, subject, frame: k, image, landmarks: Array.from(ibug), scheme: 'ibug68', aus: [1, 12], intensities }));
    csv.push([image, subject, k, ...Array.from(ibug, (v) => v.toFixed(4)), intensities[0], intensities[1] ?? ''].join(','));
  }
  await writeFile(layout.manifestJsonl, jsonl.join('\n') + '\n');
  await writeFile(layout.manifestCsv, csv.join('\n') + '\n');
  return layout;
}
