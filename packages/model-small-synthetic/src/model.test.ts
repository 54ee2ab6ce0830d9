// The shipped model, checked as a user receives it: the files are there and small, the card
// agrees with the network, and on FRESH synthetic identities (another seed than the
// training data's) its mean ICC(3,1) is close to the card's held-out figure.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@g2rl/backend';
import { readManifest, synthesizeDataset } from '@g2rl/datasets';
import { alignFace, decodeImage } from '@g2rl/face';
import { codecFromCard } from '@g2rl/heatmaps';
import { auReport } from '@g2rl/metrics';
import { loadInferenceModel } from '@g2rl/models';
import { afterAll, describe, expect, it } from 'vitest';
import { MODEL_FILES, modelDir, readModelCard } from './index.js';

const work = mkdtempSync(join(tmpdir(), 'g2rl-model-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('@g2rl/model-small-synthetic', () => {
  it('ships model.json, weights.bin and the card in ≤ 5 MB', () => {
    const bytes = MODEL_FILES.reduce((sum, f) => sum + statSync(join(modelDir, f)).size, 0);
    expect(bytes).toBeLessThanOrEqual(5 * 1024 * 1024);
    const card = readModelCard();
    expect(card.aus).toEqual([1, 2, 4, 5, 6, 9, 12, 15, 17, 20, 25, 26]);
    expect(card.metrics.meanIcc31).toBeGreaterThan(0.7);
  });

  it('re-evaluated on fresh synthetic identities, matches the card’s held-out ICC', async () => {
    await initBackend({ quiet: true });
    const before = tf.memory().numTensors;
    const { model, card } = await loadInferenceModel(modelDir);
    const codec = codecFromCard(card);
    // 50 identities × 30 frames, seed 4242 (training used seed 1): 1,500 images, about as many as the card's 1,800.
    const data = await synthesizeDataset({ outDir: join(work, 'fresh'), identities: 50, framesPerIdentity: 30, seed: 4242 });
    const samples = await readManifest(data.manifestPath);
    const S = codec.inputSize;
    const predictions: number[][] = [];
    const truth: number[][] = [];
    for (let from = 0; from < samples.length; from += 32) {
      const part = samples.slice(from, from + 32);
      const input = new Float32Array(part.length * S * S * 3);
      for (let b = 0; b < part.length; b++) {
        const crop = alignFace(await decodeImage(part[b]!.image), part[b]!.landmarks, { size: S, scheme: part[b]!.scheme }).image.data;
        for (let i = 0; i < crop.length; i++) input[b * S * S * 3 + i] = crop[i]! / 255;
      }
      const out = tf.tidy(() => model.predict(tf.tensor4d(input, [part.length, S, S, 3])) as tf.Tensor);
      const maps = (await out.data()) as Float32Array;
      out.dispose();
      codec.decodeBatch(maps, part.length).forEach((d, b) => {
        predictions.push(Array.from(d.intensities));
        const s = part[b]!;
        truth.push(card.aus.map((au) => s.intensities[s.aus.indexOf(au)] ?? NaN));
      });
    }
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const report = auReport(predictions, truth, card.aus);
    const cardIcc = readModelCard().metrics.meanIcc31 as number;
    // About the size of the card's test set (1,800 images of 60 identities); one split's mean ICC has
    // moved by 0.05–0.07 between seeds (0.846 and 0.799 for seeds 1 and 2, README), so ±0.12 is the
    // honest band; a model that had not learnt (mean ICC near 0) fails it by far. The card's figure is
    // calibrated, and so is this decode (codecFromCard reads heatmap.scale).
    console.info(`fresh identities: mean ICC(3,1) ${report.mean.icc.toFixed(3)} (card ${cardIcc.toFixed(3)}), MAE ${report.mean.mae.toFixed(3)}`);
    expect(Math.abs(report.mean.icc - cardIcc)).toBeLessThanOrEqual(0.12);
  }, 180_000);
});
