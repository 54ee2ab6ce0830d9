// Tracking against the detector on every frame, on clips ffmpeg makes from real photos (a zoom
// over Grace Hopper, a pan over face-api's group photo): the same faces, landmarks and AUs
// close, ids stable, far fewer detector runs; no tensor leaked. (Speed: bench/video.bench.mjs.)
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { faceApiModelDir } from '@g2rl/face';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodePipeline } from '../node-pipeline.js';
import type { FacePipeline } from '../pipeline.js';
import { locateFfmpeg } from './ffmpeg-locate.js';
import { decodeVideoFrames } from './frame-stream.js';
import { ffmpeg, testDir, zoomClip } from './test-videos.js';
import { VideoAnalysis, type AnalyzedFrame } from './video-analysis.js';

const fixtures = join(import.meta.dirname, '..', '..', 'test', 'fixtures');
const GROUP = join(faceApiModelDir(), '..', 'demo', 'sample1.jpg');

describe('VideoAnalysis', () => {
  let pipeline: FacePipeline;
  const dir = testDir();
  beforeAll(async () => { ({ pipeline } = await createNodePipeline({ backend: 'wasm' })); }, 120_000);
  afterAll(() => pipeline?.model.dispose());

  const analyse = async (file: string, detectEvery: number) => {
    const analysis = new VideoAnalysis(pipeline, { detectEvery, maxFaces: 10, minQuality: 0.1 });
    const frames: AnalyzedFrame[] = [];
    for await (const f of analysis.run(decodeVideoFrames(file, locateFfmpeg()))) frames.push(f);
    return { frames, detections: analysis.tracker.counts.detections };
  };

  it('tracking finds the face the detector finds on every frame, with close landmarks and AUs, at a tenth of the detector runs', async () => {
    const clip = zoomClip(join(fixtures, 'grace-hopper.jpg'), join(dir, 'zoom.mp4'), 1, 25, '320x240');
    const before = tf.memory().numTensors;
    const tracked = await analyse(clip, 10);
    const every = await analyse(clip, 1);
    expect(tf.memory().numTensors).toBe(before);
    expect(tracked.detections).toBe(3);
    expect(every.detections).toBe(25);
    expect(tracked.frames).toHaveLength(25);
    let landmarkError = 0, auError = 0, n = 0;
    tracked.frames.forEach((f, k) => {
      const a = f.rows[0]!, b = every.frames[k]!.rows[0]!;
      expect([a.success, a.faceId, f.rows.length]).toEqual([1, 0, 1]);
      expect(b.success).toBe(1);
      const width = Math.max(...b.landmarks!.filter((_, i) => i % 2 === 0)) - Math.min(...b.landmarks!.filter((_, i) => i % 2 === 0));
      for (let i = 0; i < 68; i++) landmarkError += Math.hypot(a.landmarks![2 * i]! - b.landmarks![2 * i]!, a.landmarks![2 * i + 1]! - b.landmarks![2 * i + 1]!) / width;
      for (let u = 0; u < 12; u++) auError += Math.abs(a.aus![u]! - b.aus![u]!);
      n++;
    });
    console.log(`tracking vs detector on every frame: landmarks ${(100 * landmarkError / (68 * n)).toFixed(2)} % of the face width apart, AUs ${(auError / (12 * n)).toFixed(3)} apart (mean)`);
    expect(landmarkError / (68 * n)).toBeLessThan(0.03);
    expect(auError / (12 * n)).toBeLessThan(0.15);
  });

  it('several faces: a pan over a group photo keeps one id per person', async () => {
    const clip = join(dir, 'group.mp4');
    ffmpeg(['-loop', '1', '-i', GROUP, '-vf', "scale=720:-2,crop=640:ih:x='t*40':y=0,scale=640:-2", '-t', '0.8', '-r', '25', '-pix_fmt', 'yuv420p', clip]);
    const tracked = await analyse(clip, 10);
    const every = await analyse(clip, 1);
    const counts = (frames: AnalyzedFrame[]) => frames.map((f) => f.rows.filter((r) => r.success).length);
    const people = Math.max(...counts(every.frames));
    expect(people).toBeGreaterThanOrEqual(3);
    // the same number of faces on (almost) every frame
    const same = counts(tracked.frames).filter((c, k) => c === counts(every.frames)[k]).length;
    expect(same / tracked.frames.length).toBeGreaterThanOrEqual(0.9);
    // ids: as many as people (a face lost at the border may come back once), each on most frames
    const seen = new Map<number, number>();
    for (const f of tracked.frames) for (const r of f.rows) if (r.success) seen.set(r.faceId, (seen.get(r.faceId) ?? 0) + 1);
    expect(seen.size).toBeLessThanOrEqual(people + 1);
    const steady = [...seen.values()].filter((c) => c >= 0.8 * tracked.frames.length).length;
    expect(steady).toBeGreaterThanOrEqual(people - 1);
  });
});
