import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { clipBox, createFaceDetector, faceApiModelDir, type DetectorImage, type FaceDetector } from './detector.js';

// The only photographs on the machine: face-api's own demo images, installed with the package.
const require = createRequire(import.meta.url);
const demoDir = join(dirname(require.resolve('@vladmandic/face-api/dist/face-api.node-wasm.js')), '..', 'demo');

async function readRgb(path: string, width?: number): Promise<DetectorImage> {
  const { data, info } = await sharp(path).resize(width ? { width } : undefined).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: 3 };
}

describe('clipBox', () => {
  it('floors to whole pixels and clips to the image', () => {
    expect(clipBox({ x: -3.5, y: 2.7, width: 20, height: 10 }, 10, 8)).toEqual({ x: 0, y: 2, width: 10, height: 6 });
    // right = floor(4.2 + 3.3) = 7, bottom = floor(1 + 2.9) = 3
    expect(clipBox({ x: 4.2, y: 1, width: 3.3, height: 2.9 }, 100, 100)).toEqual({ x: 4, y: 1, width: 3, height: 2 });
    expect(clipBox({ x: 50, y: 50, width: 5, height: 5 }, 10, 10)).toEqual({ x: 50, y: 50, width: 0, height: 0 });
  });
});

describe('the default detector', () => {
  it('is BlazeFace (its weights are installed with @vladmandic/human), face-api weights from the installed package folder', async () => {
    const detector = await createFaceDetector();
    expect(detector.options.modelDir).toBe(faceApiModelDir());
    expect(detector.options.detector).toBe('blazeface');
  });
});

describe.each(['ssd', 'blazeface'] as const)('createFaceDetector %s', (kind) => {
  let detector: FaceDetector;
  beforeAll(async () => {
    detector = await createFaceDetector({ minConfidence: 0.5, detector: kind });
  });

  it('finds the three faces of face-api sample1.jpg with 68 landmarks inside each box', async () => {
    const image = await readRgb(join(demoDir, 'sample1.jpg'), 960);
    const faces = await detector.detect(image);
    expect(faces.length).toBe(3);
    for (const face of faces) {
      expect(face.score).toBeGreaterThan(0.75);
      expect(face.landmarks.length).toBe(136);
      const { x, y, width, height } = face.box;
      const margin = 0.25 * width;
      for (let n = 0; n < 68; n++) {
        expect(face.landmarks[2 * n]).toBeGreaterThan(x - margin);
        expect(face.landmarks[2 * n]).toBeLessThan(x + width + margin);
        expect(face.landmarks[2 * n + 1]).toBeGreaterThan(y - margin);
        expect(face.landmarks[2 * n + 1]).toBeLessThan(y + height + margin);
      }
      // iBUG-68 order: eyes (36–47) above the nose tip (30) above the mouth (48–67);
      // right eye (36–41, image left) left of left eye (42–47) for an upright face.
      const meanY = (from: number, to: number) => { let s = 0; for (let n = from; n <= to; n++) s += face.landmarks[2 * n + 1]!; return s / (to - from + 1); };
      const meanX = (from: number, to: number) => { let s = 0; for (let n = from; n <= to; n++) s += face.landmarks[2 * n]!; return s / (to - from + 1); };
      expect(meanY(36, 47)).toBeLessThan(face.landmarks[61]!);
      expect(face.landmarks[61]!).toBeLessThan(meanY(48, 67));
      expect(meanX(36, 41)).toBeLessThan(meanX(42, 47));
    }
    // highest score first
    for (let i = 1; i < faces.length; i++) expect(faces[i - 1]!.score).toBeGreaterThanOrEqual(faces[i]!.score);
  });

  it('agrees with itself: detect = detectBoxes then detectLandmarks', async () => {
    const image = await readRgb(join(demoDir, 'sample2.jpg'), 960);
    const faces = await detector.detect(image);
    const boxes = await detector.detectBoxes(image);
    const landmarks = await detector.detectLandmarks(image, boxes.map((b) => b.box));
    expect(boxes.map((b) => b.box)).toEqual(faces.map((f) => f.box));
    landmarks.forEach((lm, i) => expect(Array.from(lm)).toEqual(Array.from(faces[i]!.landmarks)));
  });

  it('finds no face in a flat grey image and leaks no tensor', async () => {
    const image: DetectorImage = { data: new Uint8Array(320 * 240 * 3).fill(128), width: 320, height: 240, channels: 3 };
    await detector.detect(image); // warm-up: face-api caches some constants on first use
    const before = tf.memory().numTensors;
    expect(await detector.detect(image)).toEqual([]);
    await detector.detect(await readRgb(join(demoDir, 'sample3.jpg'), 640));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the wrong field of a bad image or option', async () => {
    await expect(detector.detect({ data: new Uint8Array(5), width: 2, height: 2, channels: 3 })).rejects.toThrow(/image\.data.*12 bytes/);
    await expect(detector.detect({ data: new Uint8Array(0), width: 0, height: 2, channels: 3 })).rejects.toThrow(/image\.width/);
    await expect(createFaceDetector({ minConfidence: 1.5 })).rejects.toThrow(/minConfidence/);
    await expect(createFaceDetector({ tinyInputSize: 100, detector: 'tiny' })).rejects.toThrow(/tinyInputSize/);
    await expect(createFaceDetector({ modelDir: '/nonexistent/face-api', detector: 'tiny' })).rejects.toThrow(/\/nonexistent\/face-api/);
  });
});
