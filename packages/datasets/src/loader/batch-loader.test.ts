import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../readers/manifest.js';
import type { SampleList } from '../sample.js';
import { makeFixtures } from '../testing/fixtures.js';
import { BatchLoader } from './batch-loader.js';
import type { TrainingBatch } from './batch.js';
import { cacheAlignedCrops } from './cache.js';

const WORKER = join(__dirname, '..', '..', 'dist', 'loader-worker.js');
let root: string;
let samples: SampleList;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'g2rl-loader-'));
  const layout = await makeFixtures(root);
  samples = await readManifest(layout.manifestJsonl); // 6 samples, AUs [1, 12], own/5 has AU12 missing
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function epochOf(loader: BatchLoader): Promise<TrainingBatch[]> {
  const out: TrainingBatch[] = [];
  for await (const batch of loader) out.push(batch);
  return out;
}

function expectAllFinite(array: Float32Array, what: string) {
  const bad = array.findIndex((v) => !Number.isFinite(v));
  expect(bad, `${what} has a non-finite value at ${bad}`).toBe(-1);
}

describe('BatchLoader', () => {
  it('produces batches of the documented shapes, with no NaN except missing labels', async () => {
    const loader = new BatchLoader({ samples, batchSize: 4, size: 64, codec: { inputSize: 64, heatmapSize: 32, aus: samples[0]!.aus }, workers: 0, augment: true, seed: 3 });
    const [first, second] = await epochOf(loader);
    expect(loader.getState()).toEqual({ epoch: 1, step: 0 });
    expect(first.batchSize).toBe(4);
    expect(second.batchSize).toBe(2);
    const [s, h, k, n] = [64, 32, 4, 68];
    expect(first.images).toHaveLength(4 * s * s * 3);
    expect(first.heatmaps).toHaveLength(4 * h * h * k);
    expect(first.weights).toHaveLength(4 * k);
    expect(first.geometry).toHaveLength(4 * n * 2);
    expect(first.landmarks).toHaveLength(4 * n * 2);
    expect(first.intensities).toHaveLength(4 * 2);
    for (const batch of [first, second]) {
      for (const name of ['images', 'heatmaps', 'weights', 'geometry', 'landmarks'] as const) expectAllFinite(batch[name], name);
      expect(Math.min(...batch.images)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...batch.images)).toBeLessThanOrEqual(1);
    }
    const ids = [...first.ids, ...second.ids];
    expect(ids.slice().sort()).toEqual(samples.map((x) => x.id).sort()); // each sample once per epoch
    // own/5's AU12 is missing: NaN intensity, weight 0 on both of its channels, empty maps
    const batch = first.ids.includes('own/5') ? first : second;
    const b = batch.ids.indexOf('own/5');
    expect(Number.isNaN(batch.intensities[b * 2 + 1])).toBe(true);
    expect(Array.from(batch.weights.subarray(b * k + 2, b * k + 4))).toEqual([0, 0]);
    // peak normalisation: a labelled channel's maximum is its intensity times the Gaussian
    // at the sampling offset (≤ 0.5 px per axis, σ = 2·32/64 = 1): at least exp(−0.5/2)
    const c = 0; // AU1, upper/left point
    let peak = 0;
    for (let p = 0; p < h * h; p++) peak = Math.max(peak, batch.heatmaps[(b * h * h + p) * k + c]);
    expect(peak).toBeGreaterThanOrEqual(Math.exp(-0.25) * batch.intensities[b * 2] - 1e-6);
    expect(peak).toBeLessThanOrEqual(batch.intensities[b * 2] + 1e-6);
    await loader.close();
  });

  it('is deterministic by seed and reshuffles per epoch', async () => {
    const make = (seed: number) => new BatchLoader({ samples, batchSize: 3, size: 48, workers: 0, augment: true, seed });
    const [a, b, c] = [make(7), make(7), make(8)];
    const epochA = await epochOf(a);
    const epochB = await epochOf(b);
    expect(epochA.map((x) => x.ids)).toEqual(epochB.map((x) => x.ids));
    expect(epochA[0].images).toEqual(epochB[0].images);
    expect(epochA[1].heatmaps).toEqual(epochB[1].heatmaps);
    const orders = new Set<string>();
    for (let e = 0; e < 4; e++) orders.add(JSON.stringify(a.batchIndices(e, 0)));
    expect(orders.size).toBeGreaterThan(1);
    const otherSeed = await epochOf(c);
    expect(otherSeed[0].images).not.toEqual(epochA[0].images);
    await Promise.all([a, b, c].map((l) => l.close()));
  });

  it('resumes mid-epoch from a saved state to the same batches', async () => {
    const options = { samples, batchSize: 2, size: 48, workers: 0, augment: true, seed: 11 } as const;
    const straight = new BatchLoader(options);
    const stream: TrainingBatch[] = [];
    for (let i = 0; i < 5; i++) stream.push(await straight.nextBatch()); // epoch 0 (3 steps) + 2 of epoch 1
    const resumed = new BatchLoader(options);
    resumed.setState({ epoch: 1, step: 1 });
    const again = await resumed.nextBatch();
    expect(again.ids).toEqual(stream[4].ids);
    expect(again.images).toEqual(stream[4].images);
    expect(resumed.getState()).toEqual({ epoch: 1, step: 2 });
    expect(() => resumed.setState({ epoch: 0, step: 3 })).toThrow(/step in 0…2/);
    await Promise.all([straight.close(), resumed.close()]);
  });

  it('gives the same batches from the aligned-crop cache as from the files, and reuses the cache', async () => {
    const cacheDir = join(root, 'cache');
    let progress = 0;
    const cache = await cacheAlignedCrops(samples, { size: 48, cacheDir, onProgress: () => progress++ });
    expect(progress).toBeGreaterThan(0);
    expect(cache).toMatchObject({ count: 6, size: 48, landmarkCount: 68, scheme: 'ibug68' });
    expect(existsSync(cache.path)).toBe(true);
    let progressAgain = 0;
    const reloaded = await cacheAlignedCrops(samples, { size: 48, cacheDir, onProgress: () => progressAgain++ });
    expect(progressAgain).toBe(0); // loaded from disk, nothing decoded
    expect(reloaded.key).toBe(cache.key);
    expect(reloaded.crops).toEqual(cache.crops);
    expect(reloaded.landmarks).toEqual(cache.landmarks);
    const other = await cacheAlignedCrops(samples, { size: 32, cacheDir });
    expect(other.key).not.toBe(cache.key);

    const options = { samples, batchSize: 4, workers: 0, augment: true, seed: 2 } as const;
    const fromFiles = await epochOf(new BatchLoader({ ...options, size: 48 }));
    const fromCache = await epochOf(new BatchLoader({ ...options, cache: reloaded }));
    expect(fromCache.map((b) => b.ids)).toEqual(fromFiles.map((b) => b.ids));
    expect(fromCache[0].images).toEqual(fromFiles[0].images);
    expect(fromCache[1].heatmaps).toEqual(fromFiles[1].heatmaps);
    expect(() => new BatchLoader({ ...options, cache: reloaded, size: 64 })).toThrow(/48×48 crops but size is 64/);
  });

  it("reuses a superset's cache for a subset (one prepared cache serves every fold)", async () => {
    const cacheDir = join(root, 'cache-superset');
    const all = await cacheAlignedCrops(samples, { size: 40, cacheDir });
    const subset = samples.filter((s) => s.subject !== 'id1');
    let decoded = 0;
    const reused = await cacheAlignedCrops(subset, { size: 40, cacheDir, onProgress: () => decoded++ });
    expect(decoded).toBe(0);
    expect(reused.key).toBe(all.key);
    const options = { samples: subset, batchSize: 2, workers: 0, augment: true, seed: 4 } as const;
    const fromSuperset = await epochOf(new BatchLoader({ ...options, cache: reused }));
    const fromFiles = await epochOf(new BatchLoader({ ...options, size: 40 }));
    expect(fromSuperset.map((b) => b.ids)).toEqual(fromFiles.map((b) => b.ids));
    expect(fromSuperset[1].images).toEqual(fromFiles[1].images);
    // a changed sample (moved landmarks) is not served from the old crops
    const changed = subset.map((s, i) => (i === 0 ? { ...s, landmarks: s.landmarks.map((v) => v + 1) } : s));
    let rebuilt = 0;
    const fresh = await cacheAlignedCrops(changed, { size: 40, cacheDir, onProgress: () => rebuilt++ });
    expect(rebuilt).toBeGreaterThan(0);
    expect(fresh.key).not.toBe(all.key);
  });

  it('builds the same batches in worker threads (built dist/loader-worker.js)', async () => {
    expect(existsSync(WORKER), `${WORKER} missing: run pnpm build first`).toBe(true);
    const cache = await cacheAlignedCrops(samples, { size: 48, cacheDir: join(root, 'cache') });
    const options = { samples, batchSize: 4, augment: true, seed: 5, prefetch: 2 } as const;
    const main = await epochOf(new BatchLoader({ ...options, cache, workers: 0 }));
    const threaded = new BatchLoader({ ...options, cache, workers: 2, workerScript: WORKER });
    const fromWorkers = await epochOf(threaded);
    expect(fromWorkers.map((b) => b.ids)).toEqual(main.map((b) => b.ids));
    expect(fromWorkers[0].images).toEqual(main[0].images);
    expect(fromWorkers[1].geometry).toEqual(main[1].geometry);
    const filesInWorker = new BatchLoader({ ...options, size: 48, workers: 1, workerScript: WORKER });
    expect((await filesInWorker.nextBatch()).images).toEqual(main[0].images);
    await Promise.all([threaded.close(), filesInWorker.close()]);
  });

  it('fails, not hangs, when a worker thread dies', async () => {
    const script = join(root, 'broken-worker.mjs');
    await writeFile(script, "throw new Error('boom');\n");
    const loader = new BatchLoader({ samples, batchSize: 2, size: 32, workers: 1, workerScript: script });
    await expect(loader.nextBatch()).rejects.toThrow(/worker thread failed \(boom\)/);
    await expect(loader.nextBatch()).rejects.toThrow(/worker thread failed/);
    await loader.close();
  });

  it('names the sample when its image cannot be read', async () => {
    const broken = samples.map((s, i) => (i === 0 ? { ...s, image: join(root, 'gone.png') } : s));
    const loader = new BatchLoader({ samples: broken, batchSize: 6, size: 32, workers: 0, shuffle: false });
    await expect(loader.nextBatch()).rejects.toThrow(/sample own\/0 .*gone\.png/);
    expect(() => new BatchLoader({ samples: [], batchSize: 1 })).toThrow(/non-empty/);
    expect(() => new BatchLoader({ samples, batchSize: 1, size: 64, codec: { inputSize: 128, heatmapSize: 32, aus: samples[0]!.aus } })).toThrow(/codec is for 128×128 crops but size is 64/);
  });
});
