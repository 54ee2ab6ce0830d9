// The live session in Node (it has no DOM): its rows are the video path's rows on the same
// frames, its CSV is g2rl-analyze's video CSV, the stages are timed, no tensor leaks.
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodePipeline } from '../node-pipeline.js';
import type { FacePipeline } from '../pipeline.js';
import { locateFfmpeg } from '../video/ffmpeg-locate.js';
import { decodeVideoFrames, type VideoFrame } from '../video/frame-stream.js';
import { parseVideoCsvLine, videoCsvHeader } from '../video/openface-csv.js';
import { adjustRows } from '../video/series-adjustment.js';
import { testDir, zoomClip } from '../video/test-videos.js';
import { VideoAnalysis, type AnalyzedFrame } from '../video/video-analysis.js';
import { LiveSession } from './live-session.js';

const HOPPER = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'grace-hopper.jpg');

describe('LiveSession', () => {
  let pipeline: FacePipeline;
  let frames: VideoFrame[];
  beforeAll(async () => {
    ({ pipeline } = await createNodePipeline({ backend: 'wasm', detector: 'blazeface' }));
    frames = [];
    const clip = zoomClip(HOPPER, join(testDir(), 'zoom.mp4'), 0.48, 25, '320x240');
    for await (const f of decodeVideoFrames(clip, locateFfmpeg())) frames.push(f);
  }, 120_000);
  afterAll(() => pipeline?.model.dispose());

  it('checkFaces with known consistencies skips the shifted landmark pass and scores with the given values', async () => {
    const image = frames[0]!.image!;
    const boxes = await pipeline.detectBoxes(image, 4);
    const measured = await pipeline.checkFaces(image, boxes, 0.1);
    expect(measured.faces).toHaveLength(1);
    const calls: number[] = [];
    const detectLandmarks = pipeline.detector!.detectLandmarks;
    pipeline.detector!.detectLandmarks = (img, b) => { calls.push(b.length); return detectLandmarks(img, b); };
    try {
      const again = await pipeline.checkFaces(image, boxes, 0.1, [measured.faces[0]!.consistency]);
      const halved = await pipeline.checkFaces(image, boxes, 0.1, [measured.faces[0]!.consistency / 2]);
      expect(calls).toEqual([1, 1]); // the box alone, not the box and its shifted copy
      expect(again.faces[0]!.quality).toBe(measured.faces[0]!.quality);
      expect(Array.from(again.faces[0]!.ibug68)).toEqual(Array.from(measured.faces[0]!.ibug68));
      expect(halved.faces[0]!.quality).toBeCloseTo(measured.faces[0]!.quality / 2, 2);
      await expect(pipeline.checkFaces(image, boxes, 0.1, [])).rejects.toThrow(/0 consistency values for 1 boxes/);
    } finally {
      pipeline.detector!.detectLandmarks = detectLandmarks;
    }
  });

  it('gives the rows of the video path on the same frames, timed per stage, and its CSV is the video CSV', async () => {
    const options = { detectEvery: 5, maxFaces: 10, minQuality: 0.1 };
    const expected: AnalyzedFrame[] = [];
    for await (const f of new VideoAnalysis(pipeline, options).run((async function* () { yield* frames; })())) expected.push(f);

    const before = tf.memory().numTensors;
    const session = new LiveSession(pipeline, { ...options, keepFrames: 2 });
    const detected: boolean[] = [];
    for (const f of frames) {
      const live = await session.process(f.image!, f.timestamp);
      detected.push(live.detected);
      expect(live.faces).toHaveLength(live.rows.filter((r) => r.success).length);
      expect(live.timings.total).toBeGreaterThanOrEqual(live.timings.detect + live.timings.landmarks);
      if (live.detected) expect(live.timings.detect).toBeGreaterThan(0);
      else expect(live.timings.detect).toBe(0);
      expect(live.timings.landmarks).toBeGreaterThan(0);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(frames).toHaveLength(12);
    expect(detected).toEqual([true, false, false, false, false, true, false, false, false, false, true, false]);
    expect(session.detections).toBe(3);
    expect(session.kept.map((k) => k.frame)).toEqual([1, 2]);

    const rows = session.rows;
    const want = expected.flatMap((f) => f.rows);
    expect(rows.map((r) => [r.frame, r.faceId, r.success])).toEqual(want.map((r) => [r.frame, r.faceId, r.success]));
    expect(rows.every((r) => r.success === 1)).toBe(true);
    rows.forEach((r, i) => r.aus!.forEach((v, a) => expect(v).toBeCloseTo(want[i]!.aus![a]!, 4)));

    const lines = session.csv('none').trimEnd().split('\n');
    expect(lines[0]).toBe(videoCsvHeader(pipeline.card.aus, 68).join(','));
    expect(lines).toHaveLength(rows.length + 1);
    const A = pipeline.card.aus.length;
    lines.slice(1).forEach((line, i) => {
      const back = parseVideoCsvLine(line, 68, A, `csv:${i + 2}`);
      expect(back.frame).toBe(i + 1);
      back.aus!.forEach((v, a) => expect(Math.abs(v - rows[i]!.aus![a]!)).toBeLessThanOrEqual(0.005 + 1e-6));
    });
    // calibrated as the CLI's final file is
    const calibrated = adjustRows(rows, A, { calibration: 'video', smooth: 1 });
    session.csv('video').trimEnd().split('\n').slice(1).forEach((line, i) => {
      parseVideoCsvLine(line, 68, A, 'csv').aus!.forEach((v, a) => expect(Math.abs(v - calibrated[i]!.aus![a]!)).toBeLessThanOrEqual(0.005 + 1e-6));
    });

    const mean = session.meanTimings();
    expect(mean.total).toBeGreaterThan(0);
    session.clearRecording();
    expect([session.rows.length, session.frames]).toEqual([0, 0]);
  }, 120_000);
});
