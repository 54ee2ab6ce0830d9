import { describe, expect, it } from 'vitest';
import { BLAZEFACE_INPUT, BLAZEFACE_TO_SSD, blazefaceAnchors, decodeBlazeface } from './blazeface.js';
import { iou } from './box-overlap.js';

/** N×17 rows, all scores very low, then `set` fills some. */
function rows(n: number, set: (row: Float32Array, i: number) => void = () => undefined): Float32Array {
  const out = new Float32Array(n * 17);
  for (let i = 0; i < n; i++) {
    const row = out.subarray(17 * i, 17 * i + 17);
    row[0] = -20;
    set(row, i);
  }
  return out;
}

describe('blazefaceAnchors', () => {
  it('gives 16×16×2 stride-16 then 8×8×6 stride-32 anchor centres (896) for 256 px', () => {
    const anchors = blazefaceAnchors();
    expect(anchors.length).toBe(896 * 2);
    expect([anchors[0], anchors[1], anchors[2], anchors[3]]).toEqual([8, 8, 8, 8]);
    expect([anchors[4], anchors[5]]).toEqual([24, 8]); // next cell along x
    expect([anchors[1024], anchors[1025]]).toEqual([16, 16]); // first stride-32 anchor
    expect([anchors[2 * 895], anchors[2 * 895 + 1]]).toEqual([240, 240]);
  });
});

describe('decodeBlazeface', () => {
  const anchors = blazefaceAnchors();

  it('maps one confident row to an SSD-framed box in image pixels', () => {
    // anchor 100 sits at cell (2, 3) of the stride-16 grid: centre (40, 56); offset (+4, −2), 32×40 px
    const raw = rows(896, (row, i) => { if (i === 100) row.set([3, 4, -2, 32, 40], 0); });
    const side = 512; // the padded image is twice the model's input
    const [face, ...rest] = decodeBlazeface(raw, anchors, { x: side / BLAZEFACE_INPUT, y: side / BLAZEFACE_INPUT }, { minConfidence: 0.5, maxFaces: 10 });
    expect(rest).toEqual([]);
    expect(face!.score).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
    const k = side / BLAZEFACE_INPUT;
    const s = 40 * k;
    const { dx, dy, width, height } = BLAZEFACE_TO_SSD;
    expect(face!.box.width).toBeCloseTo(width * s, 4);
    expect(face!.box.height).toBeCloseTo(height * s, 4);
    expect(face!.box.x + face!.box.width / 2).toBeCloseTo(44 * k + dx * s, 4);
    expect(face!.box.y + face!.box.height / 2).toBeCloseTo(54 * k + dy * s, 4);
  });

  it('keeps the best of overlapping boxes, separate faces, at most maxFaces, and nothing below minConfidence', () => {
    const raw = rows(896, (row, i) => {
      if (i === 100) row.set([2, 0, 0, 30, 30], 0);
      if (i === 101) row.set([4, 1, 1, 30, 30], 0); // same face, better score
      if (i === 400) row.set([1, 0, 0, 20, 20], 0); // another face far away
      if (i === 800) row.set([-1, 0, 0, 20, 20], 0); // score 0.27: below threshold
    });
    const faces = decodeBlazeface(raw, anchors, { x: 1, y: 1 }, { minConfidence: 0.5, maxFaces: 10 });
    expect(faces.map((f) => f.score.toFixed(3))).toEqual([(1 / (1 + Math.exp(-4))).toFixed(3), (1 / (1 + Math.exp(-1))).toFixed(3)]);
    expect(iou(faces[0]!.box, faces[1]!.box)).toBe(0);
    expect(decodeBlazeface(raw, anchors, { x: 1, y: 1 }, { minConfidence: 0.5, maxFaces: 1 }).length).toBe(1);
  });

  it('rejects rows of the wrong size', () => {
    expect(() => decodeBlazeface(new Float32Array(17), anchors, { x: 1, y: 1 }, { minConfidence: 0.5, maxFaces: 1 })).toThrow(/896×17/);
  });
});
