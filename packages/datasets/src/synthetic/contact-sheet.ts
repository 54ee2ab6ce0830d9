/**
 * A contact sheet: a PNG grid showing what each AU does, for a few identities —
 * rows = AUs, columns = identity × intensity level — to check the renderer by eye.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '@g2rl/common/fs';
import { SYNTHETIC_AUS } from './action-units.js';
import { type FaceParams, sampleScene } from './face-params.js';
import { sampleIdentity } from './identity.js';
import { faceLandmarks, renderFace } from './render-face.js';
import { syntheticRng } from './rng.js';

export interface ContactSheetOptions {
  /** Seed of the identities and scenes; default 1. */
  seed?: number;
  /** Number of identities side by side; default 2. */
  identities?: number;
  /** AUs, one per row; default all 12 (`SYNTHETIC_AUS`). */
  aus?: readonly number[];
  /** Intensity levels, one per column per identity; default 0…5. */
  levels?: readonly number[];
  /** Side of each cell in pixels (the face is rendered at this size); default 96. */
  cellSize?: number;
  /** Draw the 68 landmarks as dots; default false. */
  drawLandmarks?: boolean;
  /** If given, the PNG is also written here (atomically). */
  outFile?: string;
}

const LABEL_WIDTH = 44;
const HEADER_HEIGHT = 18;

/** @returns the PNG (width = 44 + identities·levels·cell, height = 18 + aus·cell). */
export async function contactSheet(options: ContactSheetOptions = {}): Promise<Buffer> {
  const { seed = 1, identities = 2, aus = SYNTHETIC_AUS, levels = [0, 1, 2, 3, 4, 5], cellSize = 96, drawLandmarks = false } = options;
  if (!Number.isInteger(identities) || identities < 1 || identities > 16) throw new Error(`contactSheet: identities must be an integer in [1, 16], got ${identities}`);
  if (!Number.isInteger(cellSize) || cellSize < 48 || cellSize > 512) throw new Error(`contactSheet: cellSize must be an integer in [48, 512], got ${cellSize}`);
  for (const au of aus) if (!SYNTHETIC_AUS.includes(au)) throw new Error(`contactSheet: AU ${au} is not synthesised; use some of ${SYNTHETIC_AUS.join(', ')}`);
  for (const level of levels) if (!(level >= 0 && level <= 5)) throw new Error(`contactSheet: levels must lie in [0, 5], got ${level}`);
  const rng = syntheticRng(seed);
  const people = Array.from({ length: identities }, () => ({ identity: sampleIdentity(rng), scene: { ...sampleScene(rng), lightStrength: 0.1 } }));
  const columns = identities * levels.length;
  const width = LABEL_WIDTH + columns * cellSize;
  const height = HEADER_HEIGHT + aus.length * cellSize;
  // Rendered faces finish in any order: keep each overlay's place (cell, then face before dots).
  const tiles: { order: number; overlay: sharp.OverlayOptions }[] = [];
  const jobs: Promise<void>[] = [];
  aus.forEach((au, row) => {
    people.forEach((person, p) => {
      levels.forEach((level, l) => {
        const intensities = SYNTHETIC_AUS.map((a) => (a === au ? level : 0));
        const params: FaceParams = {
          size: cellSize,
          identity: person.identity,
          intensities,
          pose: { rotation: 0, scale: cellSize * 0.58, centerX: cellSize / 2, centerY: cellSize * 0.5 },
          scene: person.scene,
          noise: { sigma: 0, offset: 0 },
          blur: 0,
        };
        const left = LABEL_WIDTH + (p * levels.length + l) * cellSize;
        const top = HEADER_HEIGHT + row * cellSize;
        const cell = (row * people.length + p) * levels.length + l;
        jobs.push(
          renderFace(params).then(({ png }) => {
            tiles.push({ order: 2 * cell, overlay: { input: png, left, top } });
            if (drawLandmarks) tiles.push({ order: 2 * cell + 1, overlay: { input: Buffer.from(landmarkDots(faceLandmarks(params), cellSize)), left, top } });
          }),
        );
      });
    });
  });
  await Promise.all(jobs);
  const labels = aus.map((au, row) => `<text x="4" y="${HEADER_HEIGHT + row * cellSize + cellSize / 2 + 5}" font-family="sans-serif" font-size="14">AU${au}</text>`);
  const header = Array.from({ length: columns }, (_, c) => `<text x="${LABEL_WIDTH + c * cellSize + cellSize / 2 - 4}" y="14" font-family="sans-serif" font-size="13">${levels[c % levels.length]}</text>`);
  const text = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${labels.join('')}${header.join('')}</svg>`);
  tiles.sort((a, b) => a.order - b.order);
  const png = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite([{ input: text, left: 0, top: 0 }, ...tiles.map((t) => t.overlay)])
    .png({ palette: true, quality: 95, compressionLevel: 9 })
    .toBuffer();
  if (options.outFile) {
    await mkdir(dirname(options.outFile), { recursive: true });
    await writeFileAtomic(options.outFile, png);
  }
  return png;
}

/** An S×S transparent SVG with a dot on each landmark (`landmarks` N×2, pixel centres at integers). */
function landmarkDots(landmarks: Float32Array, size: number): string {
  let dots = '';
  for (let i = 0; i < landmarks.length / 2; i++) {
    dots += `<circle cx="${(landmarks[2 * i] + 0.5).toFixed(2)}" cy="${(landmarks[2 * i + 1] + 0.5).toFixed(2)}" r="1" fill="#00e000"/>`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">${dots}</svg>`;
}
