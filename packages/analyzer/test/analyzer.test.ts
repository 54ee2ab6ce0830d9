// @g2rl/analyzer in Node with the shipped default model, on real photos (face-api's demo
// photos, Grace Hopper) and a cat (scikit-image's Chelsea): faces found and described, the
// cat refused as not-a-face, bad input isolated per image, no tensor leaked.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { faceApiModelDir } from '@g2rl/face';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyzerError, DEFAULT_MIN_QUALITY, createAnalyzer, type Analyzer, type NodeInput } from '../src/node.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const CAT = join(fixtures, 'chelsea-cat.jpg');
const HOPPER = join(fixtures, 'grace-hopper.jpg');
const GROUP = join(faceApiModelDir(), '..', 'demo', 'sample1.jpg');

describe('createAnalyzer (Node, default model)', () => {
  let analyzer: Analyzer<NodeInput>;
  beforeAll(async () => { analyzer = await createAnalyzer({ backend: (process.env.G2RL_BACKEND as never) ?? 'auto' }); }, 120_000);
  afterAll(() => analyzer?.dispose());

  it('uses the shipped model card (12 DISFA AUs, 128² crops)', () => {
    expect(analyzer.card.aus).toEqual([1, 2, 4, 5, 6, 9, 12, 15, 17, 20, 25, 26]);
    expect(analyzer.card.input.size).toBe(128);
  });

  it('describes the face of a real photo: box, score, quality, 68 landmarks, 12 AUs in [0, 5], timings', async () => {
    const result = await analyzer.analyze(HOPPER);
    expect(result.width).toBe(300);
    expect(result.faces).toHaveLength(1);
    const face = result.faces[0]!;
    expect(face.detectorScore).toBeGreaterThan(0.9);
    expect(face.quality).toBeGreaterThanOrEqual(DEFAULT_MIN_QUALITY);
    expect(face.landmarks).toHaveLength(68);
    // the landmarks sit inside the detected box (a loose check that they are in image px)
    const [cx, cy] = face.landmarks![30]!; // nose tip
    expect(cx).toBeGreaterThan(face.box.x);
    expect(cx).toBeLessThan(face.box.x + face.box.width);
    expect(cy).toBeGreaterThan(face.box.y);
    expect(face.aus.map((a) => a.au)).toEqual(analyzer.card.aus);
    for (const au of face.aus) {
      expect(au.intensity).toBeGreaterThanOrEqual(0);
      expect(au.intensity).toBeLessThanOrEqual(5);
      expect(au.points).toHaveLength(2);
    }
    expect(result.timings.detect).toBeGreaterThan(0);
    expect(result.timings.model).toBeGreaterThan(0);
  });

  it('refuses a cat: SSD fires (score > 0.8) but quality drops it; the default BlazeFace does not fire', async () => {
    const [outcome] = await analyzer.analyzeBatch([CAT]);
    expect(outcome).toBeInstanceOf(AnalyzerError);
    expect((outcome as AnalyzerError).code).toBe('no-face');
    const ssd = await createAnalyzer({ backend: (process.env.G2RL_BACKEND as never) ?? 'auto', detector: 'ssd' });
    try {
      const [refused] = await ssd.analyzeBatch([CAT]);
      expect((refused as AnalyzerError).message).toMatch(/not a face/);
      const loose = await ssd.analyze(CAT, { minQuality: 0 });
      expect(loose.faces[0]!.detectorScore).toBeGreaterThan(0.8);
      expect(loose.faces[0]!.quality).toBeLessThan(DEFAULT_MIN_QUALITY);
    } finally {
      ssd.dispose();
    }
  });

  it('finds the faces of a group photo, each above minQuality', async () => {
    const result = await analyzer.analyze(readFileSync(GROUP));
    expect(result.faces.length).toBeGreaterThanOrEqual(3);
    for (const f of result.faces) expect(f.quality!).toBeGreaterThanOrEqual(DEFAULT_MIN_QUALITY);
    expect(result.faces.slice(0, 2).map((f) => f.detectorScore)).toEqual([...result.faces.slice(0, 2).map((f) => f.detectorScore)].sort((a, b) => b! - a!));
  });

  it('a batch survives bad items, each failure naming its input', async () => {
    const truncated = readFileSync(HOPPER).subarray(0, 2000);
    const outcomes = await analyzer.analyzeBatch([HOPPER, truncated, join(fixtures, 'missing.jpg'), CAT, HOPPER]);
    expect(outcomes[0]).not.toBeInstanceOf(Error);
    expect(outcomes[1]).toBeInstanceOf(AnalyzerError);
    expect((outcomes[1] as AnalyzerError).code).toBe('invalid-image');
    expect((outcomes[2] as Error).message).toMatch(/missing\.jpg: cannot read the file \(ENOENT\)/);
    expect((outcomes[3] as AnalyzerError).code).toBe('no-face');
    // the same image twice gives the same numbers (one model call for both crops)
    expect(JSON.stringify((outcomes[4] as { faces: unknown[] }).faces)).toBe(JSON.stringify((outcomes[0] as { faces: unknown[] }).faces));
  });

  it('takes the caller’s landmarks (no detection) and aligned crops', async () => {
    const detected = (await analyzer.analyze(HOPPER)).faces[0]!;
    const given = await analyzer.analyze(HOPPER, { landmarks: detected.landmarks! });
    expect(given.faces[0]!.detectorScore).toBeNull();
    expect(given.timings.detect).toBe(0);
    // the returned landmarks are rounded to 0.01 px, so the crop moves by at most that much
    given.faces[0]!.aus.forEach((a, i) => expect(Math.abs(a.intensity - detected.aus[i]!.intensity)).toBeLessThanOrEqual(0.03));
    const crop = await analyzer.analyze(HOPPER, { aligned: true, heatmaps: true });
    expect(crop.faces).toHaveLength(1);
    expect(crop.faces[0]!.landmarks).toBeNull();
    expect(crop.faces[0]!.heatmaps).toHaveLength(12);
    expect(crop.faces[0]!.heatmaps![0]!.values).toHaveLength(32 * 32);
  });

  it('names a bad option', async () => {
    await expect(analyzer.analyze(HOPPER, { maxFaces: 0 })).rejects.toThrow(/maxFaces must be a positive integer/);
    await expect(analyzer.analyze(HOPPER, { landmarks: [1, 2, 3, 4] })).rejects.toThrow(/landmarks: expected 68 points/);
  });

  it('leaks no tensor over repeated calls', async () => {
    await analyzer.analyze(HOPPER);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) await analyzer.analyzeBatch([HOPPER, CAT, GROUP]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('createAnalyzer errors', () => {
  it('names a missing model folder', async () => {
    await expect(createAnalyzer({ model: join(fixtures, 'no-model-here'), detector: false })).rejects.toThrow(/cannot load the model in .*no-model-here/);
  });
});
