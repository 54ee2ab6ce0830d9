// The tracker against a scripted scene (faces that move, leave and come back): the detector
// runs only when it should, ids stay with their faces, a lost face is re-detected on the
// same frame. The real-photo run is in video-analysis.test.ts.
import { describe, expect, it } from 'vitest';
import type { RgbImage } from '@g2rl/face/pure';
import { FaceTracker, boxFrameOf, boxFromLandmarks, iou, type TrackerFaceSource } from './tracker.js';

type Box = { x: number; y: number; width: number; height: number };
/** 68 points spread over a face's square (a stand-in for real landmarks). */
const landmarksIn = (face: Box): Float32Array => Float32Array.from({ length: 136 }, (_, i) => (i % 2 === 0 ? face.x + face.width * (0.2 + 0.6 * ((i / 2) % 9) / 8) : face.y + face.height * (0.25 + 0.6 * Math.floor(i / 18) / 7)));

/** A scene: per frame, the true face squares. The fake net finds a face when the box overlaps it by ≥ 0.4. */
function scene(faces: (frame: number) => Box[]) {
  let frame = 0;
  const calls = { detect: 0, check: 0, reused: [] as boolean[] };
  const source: TrackerFaceSource = {
    async detectBoxes() { calls.detect++; return faces(frame).map((box) => ({ box, score: 0.9 })); },
    async checkFaces(_image, boxes, _minQuality, known) {
      calls.check++;
      calls.reused.push(known !== undefined);
      const truth = faces(frame);
      const found = boxes.map((b, input) => ({ b, input, face: truth.find((t) => iou(t, b.box) >= 0.4) })).filter((x) => x.face);
      return { faces: found.map(({ b, input, face }) => ({ box: b.box, detectorScore: b.score, quality: 0.8, landmarks: landmarksIn(face!), ibug68: landmarksIn(face!), input, consistency: known ? known[input]! : 0.9 - 0.01 * frame })) };
    },
  };
  const image = { data: new Uint8Array(3), width: 1, height: 1, channels: 3 } as RgbImage;
  return { source, calls, next: () => { frame++; }, image };
}

describe('FaceTracker', () => {
  it('places the next box from the landmarks as the detection box sat around them', () => {
    const box = { x: 10, y: 20, width: 50, height: 60 };
    const lm = landmarksIn({ x: 15, y: 30, width: 40, height: 40 });
    const frame = boxFrameOf(box, lm);
    const back = boxFromLandmarks(frame, lm);
    for (const k of ['x', 'y', 'width', 'height'] as const) expect(back[k]).toBeCloseTo(box[k], 4);
    const moved = boxFromLandmarks(frame, lm.map((v, i) => v + (i % 2 === 0 ? 7 : -3)));
    expect(moved.x).toBeCloseTo(17, 4);
    expect(moved.y).toBeCloseTo(17, 4);
  });

  it('detects every detectEvery frames, keeps two moving faces apart, ids stable', async () => {
    const s = scene((f) => [{ x: 10 + 2 * f, y: 10, width: 40, height: 40 }, { x: 200 - 2 * f, y: 100, width: 50, height: 50 }]);
    const tracker = new FaceTracker(s.source, { detectEvery: 5, maxFaces: 10, minQuality: 0.1 });
    const ids: number[][] = [];
    for (let f = 0; f < 20; f++, s.next()) {
      const faces = await tracker.step(s.image);
      ids.push(faces.map((x) => x.id));
      expect(faces.map((x) => x.detected)).toEqual(f % 5 === 0 ? [true, true] : [false, false]);
      // the first face's landmarks follow it
      expect(faces[0]!.ibug68[0]).toBeCloseTo(10 + 2 * f + 40 * 0.2, 4);
    }
    expect(new Set(ids.map((x) => x.join()))).toEqual(new Set(['0,1']));
    expect(s.calls.detect).toBe(4);
    expect(tracker.counts).toEqual({ frames: 20, detections: 4, trackedFaces: 32 });
  });

  it('shiftCheckEvery: tracked frames reuse each track\'s last consistency, measured again every n frames', async () => {
    const s = scene((f) => [{ x: 10 + f, y: 10, width: 40, height: 40 }]);
    const tracker = new FaceTracker(s.source, { detectEvery: 100, maxFaces: 10, minQuality: 0.1, shiftCheckEvery: 3 });
    const consistency: number[] = [];
    for (let f = 0; f < 8; f++, s.next()) consistency.push((await tracker.step(s.image))[0]!.consistency);
    // frame 0: the detection (measured); then two frames reuse, the third measures again
    expect(s.calls.reused).toEqual([false, true, true, false, true, true, false, true, true, false, true].slice(0, s.calls.check));
    expect(consistency.map((c) => Number(c.toFixed(2)))).toEqual([0.9, 0.9, 0.9, 0.87, 0.87, 0.87, 0.84, 0.84]);
    expect(() => new FaceTracker(s.source, { detectEvery: 1, maxFaces: 1, minQuality: 0, shiftCheckEvery: 0 })).toThrow(/shiftCheckEvery/);
  });

  it('re-detects on the frame a face is lost; a face that comes back gets a new id', async () => {
    // face B is away on frames 6–9
    const s = scene((f) => [{ x: 10, y: 10, width: 40, height: 40 }, ...(f >= 6 && f < 10 ? [] : [{ x: 100, y: 10, width: 40, height: 40 }])]);
    const tracker = new FaceTracker(s.source, { detectEvery: 100, maxFaces: 10, minQuality: 0.1 });
    const seen: string[] = [];
    for (let f = 0; f < 12; f++, s.next()) seen.push((await tracker.step(s.image)).map((x) => `${x.id}${x.detected ? 'd' : ''}`).join(' '));
    expect(seen).toEqual(['0d 1d', '0 1', '0 1', '0 1', '0 1', '0 1', '0d', '0', '0', '0', '0', '0']);
    // B's return is found at the next detection only (detectEvery = 100); with detectEvery 3 it comes back as id 2
    const s2 = scene((f) => [{ x: 10, y: 10, width: 40, height: 40 }, ...(f >= 6 && f < 10 ? [] : [{ x: 100, y: 10, width: 40, height: 40 }])]);
    const t2 = new FaceTracker(s2.source, { detectEvery: 3, maxFaces: 10, minQuality: 0.1 });
    const ids: string[] = [];
    for (let f = 0; f < 14; f++, s2.next()) ids.push((await t2.step(s2.image)).map((x) => x.id).join(' '));
    expect(ids.slice(9)).toEqual(['0', '0', '0', '0 2', '0 2']); // detections on frames 9 (B away) and 12
  });

  it('a seeded tracker (resume) gives the old ids to the faces it finds again', async () => {
    const s = scene(() => [{ x: 100, y: 10, width: 40, height: 40 }]);
    const tracker = new FaceTracker(s.source, { detectEvery: 10, maxFaces: 10, minQuality: 0.1 });
    tracker.seed([{ id: 4, ibug68: landmarksIn({ x: 101, y: 11, width: 40, height: 40 }) }], 5);
    const [face] = await tracker.step(s.image);
    expect(face).toMatchObject({ id: 4, detected: true });
  });
});
