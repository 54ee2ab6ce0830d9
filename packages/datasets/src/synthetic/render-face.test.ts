import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { SYNTHETIC_AUS } from './action-units.js';
import { type FaceParams, sampleFaceParams } from './face-params.js';
import { canonicalFaceLandmarks, faceLandmarks, renderFace, renderFaceSvg } from './render-face.js';
import { syntheticRng } from './rng.js';

const SIZE = 128;
const rgbOf = async (png: Buffer): Promise<Buffer> => (await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true })).data;

/** A clean render (no noise, no blur) of a fixed identity with only `au` at `level`. */
function cleanParams(au: number | undefined, level: number, rotation = 0): FaceParams {
  const base = sampleFaceParams(syntheticRng(21), { size: SIZE });
  return {
    ...base,
    intensities: SYNTHETIC_AUS.map((a) => (a === au ? level : 0)),
    pose: { rotation, scale: SIZE * 0.58, centerX: SIZE / 2, centerY: SIZE / 2 },
    noise: { sigma: 0, offset: 0 },
    blur: 0,
    scene: { ...base.scene, lightStrength: 0 },
  };
}

describe('renderFace', () => {
  it('returns an S×S PNG and 68 landmarks inside the image, for many random faces', async () => {
    const rng = syntheticRng(5);
    for (let k = 0; k < 6; k++) {
      const params = sampleFaceParams(rng, { size: SIZE, intensities: SYNTHETIC_AUS.map(() => rng.uniform(0, 5)) });
      const { png, landmarks } = await renderFace(params);
      const meta = await sharp(png).metadata();
      expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', SIZE, SIZE, 3]);
      expect(landmarks.length).toBe(136);
      for (const v of landmarks) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(SIZE - 1);
      }
    }
  });

  it('is deterministic: the same parameters give the same bytes', async () => {
    const params = sampleFaceParams(syntheticRng(8), { size: SIZE, intensities: SYNTHETIC_AUS.map((a) => (a === 12 ? 3.2 : 0)) });
    const a = await renderFace(params);
    const b = await renderFace(params);
    expect(a.png.equals(b.png)).toBe(true);
    expect(a.landmarks).toEqual(b.landmarks);
  });

  it('writes JPEG when asked, and refuses other formats', async () => {
    const { png } = await renderFace(cleanParams(undefined, 0), 'jpeg');
    expect((await sharp(png).metadata()).format).toBe('jpeg');
    await expect(renderFace(cleanParams(undefined, 0), 'gif' as never)).rejects.toThrow(/'png' or 'jpeg', got gif/);
  });

  it('puts each landmark where the SVG draws it, under rotation, scale and shift (a dot test)', async () => {
    for (const [rotation, scale, cx, cy] of [[0, 0.58, 64, 64], [13, 0.52, 58, 70], [-15, 0.62, 70, 60]]) {
      const params: FaceParams = { ...cleanParams(undefined, 0, rotation), pose: { rotation, scale: SIZE * scale, centerX: cx, centerY: cy } };
      const { face } = canonicalFaceLandmarks(params);
      const labels = faceLandmarks(params);
      const svg = renderFaceSvg(params);
      const plain = await rgbOf(await sharp(Buffer.from(svg)).png().toBuffer());
      for (const i of [0, 8, 19, 36, 45, 48, 54, 62]) {
        // Draw a small dot at canonical landmark i inside the posed group; find it in the raster.
        const dot = `<circle cx="${face[2 * i]}" cy="${face[2 * i + 1]}" r="0.025" fill="#00ff00"/></g>`;
        const marked = await rgbOf(await sharp(Buffer.from(svg.replace(/<\/g>(?!.*<\/g>)/, dot))).png().toBuffer());
        let sx = 0;
        let sy = 0;
        let sw = 0;
        for (let p = 0; p < SIZE * SIZE; p++) {
          const w = Math.abs(marked[3 * p] - plain[3 * p]) + Math.abs(marked[3 * p + 1] - plain[3 * p + 1]) + Math.abs(marked[3 * p + 2] - plain[3 * p + 2]);
          sx += w * (p % SIZE);
          sy += w * Math.floor(p / SIZE);
          sw += w;
        }
        expect(sw, `dot ${i} visible`).toBeGreaterThan(0);
        expect(Math.abs(sx / sw - labels[2 * i]), `landmark ${i} x at rotation ${rotation}`).toBeLessThan(0.35);
        expect(Math.abs(sy / sw - labels[2 * i + 1]), `landmark ${i} y at rotation ${rotation}`).toBeLessThan(0.35);
      }
    }
  });

  it('keeps iBUG semantics in the image: point 36 (subject right eye) at image left of 45', () => {
    const p = faceLandmarks(cleanParams(undefined, 0));
    expect(p[2 * 36]).toBeLessThan(p[2 * 45]);
    expect(p[2 * 0]).toBeLessThan(p[2 * 16]);
    expect(p[2 * 19 + 1]).toBeLessThan(p[2 * 8 + 1]);
  });

  // Appearance: where each AU's cue shows (landmark indices whose box, widened, holds it).
  const REGIONS: Record<number, number[]> = {
    1: [19, 20, 21, 22, 23, 24],
    2: [17, 18, 19, 24, 25, 26],
    4: [17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 37, 38, 43, 44],
    5: [36, 37, 38, 39, 42, 43, 44, 45],
    6: [36, 40, 41, 45, 46, 47, 2, 14],
    9: [27, 28, 29, 31, 35, 51],
    12: [31, 35, 48, 54],
    15: [48, 54, 57],
    17: [57, 7, 8, 9],
    20: [48, 54],
    25: [60, 62, 64, 66],
    26: [48, 54, 8],
  };

  it.each(SYNTHETIC_AUS)('AU%i changes the pixels of its region, more at higher intensity, and little elsewhere', async (au) => {
    const base = await rgbOf((await renderFace(cleanParams(au, 0))).png);
    const mid = await rgbOf((await renderFace(cleanParams(au, 2.5))).png);
    const high = await rgbOf((await renderFace(cleanParams(au, 5))).png);
    const lm = faceLandmarks(cleanParams(au, 5));
    const idx = REGIONS[au];
    const margin = SIZE * 0.08;
    const extra = au === 1 || au === 2 ? SIZE * 0.12 : 0; // forehead wrinkles sit above the brows
    const x0 = Math.min(...idx.map((i) => lm[2 * i])) - margin;
    const x1 = Math.max(...idx.map((i) => lm[2 * i])) + margin;
    const y0 = Math.min(...idx.map((i) => lm[2 * i + 1])) - margin - extra;
    const y1 = Math.max(...idx.map((i) => lm[2 * i + 1])) + margin;
    const diff = (a: Buffer, b: Buffer): { inside: number; outside: number } => {
      let inside = 0;
      let outside = 0;
      for (let p = 0; p < SIZE * SIZE; p++) {
        const x = p % SIZE;
        const y = Math.floor(p / SIZE);
        const d = Math.abs(a[3 * p] - b[3 * p]) + Math.abs(a[3 * p + 1] - b[3 * p + 1]) + Math.abs(a[3 * p + 2] - b[3 * p + 2]);
        if (x >= x0 && x <= x1 && y >= y0 && y <= y1) inside += d;
        else outside += d;
      }
      return { inside, outside };
    };
    const dMid = diff(base, mid);
    const dHigh = diff(base, high);
    expect(dMid.inside).toBeGreaterThan(0);
    expect(dHigh.inside).toBeGreaterThan(1.3 * dMid.inside);
    expect(dHigh.inside).toBeGreaterThan(2 * dHigh.outside);
  });
});
