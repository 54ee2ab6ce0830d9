import { LANDMARK_SCHEMES } from '@g2rl/heatmaps';
import { describe, expect, it } from 'vitest';
import { alignFace, alignmentTransform } from './align.js';
import { affineScale, applyAffine, invertAffine, similarityAbout } from './affine.js';
import type { RgbImage } from './image.js';
import { ALIGNMENT_MARGIN, alignmentTemplate, stablePointIndices } from './template.js';

const SIZE = 128;

/** A face in a 300×260 "photo": the template moved by a known similarity. */
function photographedFace() {
  const placement = similarityAbout(64, 64, 1.7, -0.35, 90, 60); // crop → photo
  const landmarks = applyAffine(placement, alignmentTemplate('ibug68', SIZE));
  return { placement, landmarks };
}

function blank(width: number, height: number): RgbImage {
  return { data: new Uint8Array(width * height * 3), width, height, channels: 3 };
}

describe('alignmentTemplate', () => {
  it('fits the whole face in the crop with the documented margin, centred', () => {
    const t = alignmentTemplate('ibug68', SIZE);
    const xs = t.filter((_, i) => i % 2 === 0);
    const ys = t.filter((_, i) => i % 2 === 1);
    const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    expect(Math.max(maxX - minX, maxY - minY)).toBeCloseTo((1 - 2 * ALIGNMENT_MARGIN) * SIZE, 3);
    expect((minX + maxX) / 2).toBeCloseTo((SIZE - 1) / 2, 3);
    expect((minY + maxY) / 2).toBeCloseTo((SIZE - 1) / 2, 3);
    expect(minX).toBeGreaterThan(0);
    expect(maxY).toBeLessThan(SIZE - 1);
  });

  it('gives the other schemes the same points, subset through toIbug68', () => {
    const full = alignmentTemplate('ibug68', 64);
    for (const scheme of ['disfa66', 'bp4d49'] as const) {
      const sub = alignmentTemplate(scheme, 64);
      LANDMARK_SCHEMES[scheme].toIbug68.forEach((ibug, i) => {
        expect(sub[2 * i]).toBe(full[2 * ibug]);
        expect(sub[2 * i + 1]).toBe(full[2 * ibug + 1]);
      });
    }
    expect(stablePointIndices('bp4d49')).toHaveLength(13); // no chin in BP4D's 49 points
  });
});

describe('alignFace', () => {
  it('undoes a known similarity: landmarks land on the template', () => {
    const { placement, landmarks } = photographedFace();
    const aligned = alignFace(blank(300, 260), landmarks, { size: SIZE });
    const template = alignmentTemplate('ibug68', SIZE);
    aligned.landmarks.forEach((v, i) => expect(v).toBeCloseTo(template[i], 2));
    invertAffine(placement).forEach((v, i) => expect(aligned.transform[i]).toBeCloseTo(v, 4));
    expect(aligned.image).toMatchObject({ width: SIZE, height: SIZE, channels: 3 });
  });

  it('moves the pixels with the landmarks (a dot on the nose tip stays on it)', () => {
    const { landmarks } = photographedFace();
    const image = blank(300, 260);
    const [nx, ny] = [Math.round(landmarks[60]), Math.round(landmarks[61])]; // point 30
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) image.data[((ny + dy) * 300 + nx + dx) * 3 + 1] = 255;
    const aligned = alignFace(image, landmarks, { size: SIZE });
    let best = -1;
    let at = [0, 0];
    for (let i = 0; i < SIZE * SIZE; i++) {
      if (aligned.image.data[3 * i + 1] > best) [best, at] = [aligned.image.data[3 * i + 1], [i % SIZE, Math.floor(i / SIZE)]];
    }
    const [ex, ey] = applyAffine(aligned.transform, [nx, ny]);
    expect(Math.hypot(at[0] - ex, at[1] - ey)).toBeLessThanOrEqual(1);
    expect(Math.hypot(at[0] - aligned.landmarks[60], at[1] - aligned.landmarks[61])).toBeLessThan(1.5);
  });

  it('maps crop landmarks back to the photo through the inverse', () => {
    const { landmarks } = photographedFace();
    const aligned = alignFace(blank(300, 260), landmarks, { size: SIZE, points: 'all' });
    applyAffine(aligned.inverse, aligned.landmarks).forEach((v, i) => expect(v).toBeCloseTo(landmarks[i], 2));
  });

  it("'stable' ignores an opened mouth, 'all' does not", () => {
    const { landmarks } = photographedFace();
    const opened = Float32Array.from(landmarks);
    for (let i = 48; i < 68; i++) opened[2 * i + 1] += 25; // the lips drop (the chin stays)
    const stable = alignmentTransform(opened, { size: SIZE, points: 'stable' });
    const all = alignmentTransform(opened, { size: SIZE, points: 'all' });
    const reference = alignmentTransform(landmarks, { size: SIZE, points: 'stable' });
    stable.forEach((v, i) => expect(v).toBeCloseTo(reference[i], 6));
    expect(Math.abs(all[5] - reference[5])).toBeGreaterThan(0.5);
  });

  it("'rigid' ignores a dropped jaw, 'stable' shrinks the face (the chin's lever)", () => {
    const { landmarks } = photographedFace();
    const dropped = Float32Array.from(landmarks);
    for (const i of [5, 6, 7, 8, 9, 10, 11, 55, 56, 57, 58, 59, 65, 66, 67]) dropped[2 * i + 1] += 20;
    const reference = alignmentTransform(landmarks, { size: SIZE, points: 'rigid' });
    alignmentTransform(dropped, { size: SIZE, points: 'rigid' }).forEach((v, i) => expect(v).toBeCloseTo(reference[i], 6));
    const stable = alignmentTransform(dropped, { size: SIZE, points: 'stable' });
    expect(affineScale(stable)).toBeLessThan(affineScale(reference) * 0.99);
    expect(stablePointIndices('ibug68', true)).not.toContain(8);
    expect(() => alignmentTransform(landmarks, { points: 'some' as never })).toThrow(/'stable', 'rigid' or 'all'/);
  });

  it('says when the landmarks do not match the scheme', () => {
    expect(() => alignFace(blank(10, 10), new Float32Array(98), { scheme: 'ibug68' })).toThrow(/49 points but scheme 'ibug68' has 68/);
  });
});
