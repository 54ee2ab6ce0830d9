// FacePipeline.analyze with lazily decoded images: each image is decoded only when the
// pipeline reaches it (so a batch never holds every full-size image at once), a decode
// failure stays in its own slot, and decoded images are used as given.
import * as tf from '@tensorflow/tfjs';
import type { FaceDetector, RgbImage } from '@g2rl/face/pure';
import { initBackend } from '@g2rl/backend';
import { loadInferenceModel } from '@g2rl/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnalyzerError } from './errors.js';
import { defaultModelDir } from './node-pipeline.js';
import { FacePipeline } from './pipeline.js';

const image = (width: number): RgbImage => ({ width, height: 20, channels: 3, data: new Uint8Array(width * 20 * 3) });

describe('FacePipeline.analyze, lazy images', () => {
  let model: tf.LayersModel;
  let pipeline: FacePipeline;
  const events: string[] = [];
  beforeAll(async () => {
    await initBackend({ prefer: 'cpu', quiet: true });
    const loaded = await loadInferenceModel(await defaultModelDir());
    model = loaded.model;
    // A detector that finds nothing and records what it was shown: every image ends as no-face.
    const detector = {
      options: {} as FaceDetector['options'],
      detect: async () => [],
      detectBoxes: async (shown: RgbImage) => { events.push(`detect ${shown.width}`); return []; },
      detectLandmarks: async () => [],
    } satisfies FaceDetector;
    pipeline = new FacePipeline(model, loaded.card, detector, { maxModelBatch: 4, minQuality: 0.1, maxFaces: 4 });
  }, 60_000);
  afterAll(() => model?.dispose());

  it('decodes each image when its turn comes, keeps a failed decode in its slot, timings per image', async () => {
    const lazy = (width: number) => async () => { events.push(`decode ${width}`); return image(width); };
    const broken = async (): Promise<RgbImage> => { events.push('decode broken'); throw new AnalyzerError('invalid-image', 'broken.jpg: not an image'); };
    const outcomes = await pipeline.analyze([lazy(31), broken, image(33), lazy(34)], [{}, {}, {}, {}]);
    expect(events).toEqual(['decode 31', 'detect 31', 'decode broken', 'detect 33', 'decode 34', 'detect 34']);
    expect(outcomes).toHaveLength(4);
    expect((outcomes[1] as Error).message).toBe('broken.jpg: not an image');
    for (const i of [0, 2, 3]) expect((outcomes[i] as AnalyzerError).code).toBe('no-face');
  });
});
