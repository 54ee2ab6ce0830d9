// Face detection and landmarks on the native backend run none of the JS `cpu` kernels: every
// kernel each detector (SSD, Tiny, BlazeFace) and face-api's 68-landmark net dispatch on a real
// photo is one of @g2rl/backend-native's own (tf.profile lists them).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '@g2rl/backend';
import * as native from '@g2rl/backend-native';
import { DETECTORS, createFaceDetector, decodeImage, faceApiModelDir } from '@g2rl/face';

const available = native.isNativeAvailable();
if (!available && process.env.G2RL_REQUIRE_NATIVE === '1') throw new Error(`G2RL_REQUIRE_NATIVE=1 but the native backend is unavailable: ${native.nativeStatus().reason}`);

describe.skipIf(!available)('detection on the native backend', () => {
  let previous: string;
  afterAll(async () => { if (previous) await tf.setBackend(previous); });

  for (const kind of DETECTORS) {
    it(`${kind}: boxes and 68 landmarks use native kernels only, and leak no tensor`, async () => {
      previous ??= tf.getBackend();
      await initBackend({ prefer: 'native', quiet: true, loaders: { native: async () => native } });
      const image = await decodeImage(readFileSync(join(faceApiModelDir(), '..', 'demo', 'sample1.jpg')), { maxPixels: 25_000_000 });
      const detector = await createFaceDetector({ detector: kind });
      await detector.detect(image); // warm-up: face-api and graph models make constants once
      const before = tf.memory().numTensors;
      let found = 0;
      const profile = await tf.profile(async () => { found = (await detector.detect(image)).length; });
      expect(found).toBeGreaterThanOrEqual(2);
      const natives = new Set(Object.keys(native.nativeKernels()));
      // (graph models also record each fused op as `…__op` around its kernel)
      const names = [...new Set(profile.kernels.map((k) => k.name).filter((name) => !name.endsWith('__op')))];
      expect(names.length).toBeGreaterThan(5);
      expect(names.filter((name) => !natives.has(name))).toEqual([]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
