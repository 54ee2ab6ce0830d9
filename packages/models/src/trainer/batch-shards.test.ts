import { describe, expect, it } from 'vitest';
import { shardSizes, splitTrainingBatch } from './batch-shards.js';
import type { BatchDimensions } from './batch.js';

// 1×1 images, 1×1 heatmaps, K = 2 channels, A = 1 AU, N = 2 landmarks: every value by hand.
const dims: BatchDimensions = { inputSize: 1, heatmapSize: 1, keypoints: 2, landmarks: 2, aus: 1 };
const batch = {
  images: Float32Array.from({ length: 5 * 3 }, (_, i) => i),
  heatmaps: Float32Array.from({ length: 5 * 2 }, (_, i) => 100 + i),
  // channel weights per sample: (1,1) (1,0) (0,0) (1,1) (1,1) → Σ = 7
  weights: Float32Array.from([1, 1, 1, 0, 0, 0, 1, 1, 1, 1]),
  geometry: Float32Array.from({ length: 5 * 4 }, (_, i) => -i),
  // labelled: yes, NaN, yes, yes, NaN → 3
  intensities: Float32Array.from([1, Number.NaN, 2, 3, Number.NaN]),
  batchSize: 5,
};
const fields = ['images', 'heatmaps', 'weights', 'geometry', 'intensities'] as const;

describe('shardSizes', () => {
  it('gives the first B mod parts shards one sample more', () => {
    expect(shardSizes(16, 2)).toEqual([8, 8]);
    expect(shardSizes(15, 2)).toEqual([8, 7]);
    expect(shardSizes(5, 3)).toEqual([2, 2, 1]);
    expect(shardSizes(3, 4)).toEqual([1, 1, 1, 0]);
    expect(shardSizes(7, 1)).toEqual([7]);
  });

  it('rejects sizes that are not positive integers, naming the argument', () => {
    expect(() => shardSizes(0, 2)).toThrow(/shardSizes\(batchSize\)/);
    expect(() => shardSizes(4, 1.5)).toThrow(/shardSizes\(parts\)/);
  });
});

describe('splitTrainingBatch', () => {
  it('cuts every array at the same samples and gives each shard its share of every normaliser', () => {
    const [a, b] = splitTrainingBatch(batch, dims, 2, fields);
    expect(a!.start).toBe(0);
    expect(b!.start).toBe(3);
    expect(Array.from(a!.batch.images)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(b!.batch.images)).toEqual([9, 10, 11, 12, 13, 14]);
    expect(Array.from(b!.batch.heatmaps)).toEqual([106, 107, 108, 109]);
    expect(Array.from(a!.batch.geometry)).toEqual(Array.from({ length: 12 }, (_, i) => -i));
    expect(a!.batch.batchSize).toBe(3);
    expect(b!.batch.batchSize).toBe(2);
    // samples 3/5 and 2/5; channel weights 3/7 and 4/7; labelled 2/3 and 1/3
    expect(a!.share).toEqual({ samples: 3 / 5, heatmap: 3 / 7, labelled: 2 / 3 });
    expect(b!.share).toEqual({ samples: 2 / 5, heatmap: 4 / 7, labelled: 1 / 3 });
  });

  it('copies the arrays (a shard can go to another thread) and leaves empty shards null', () => {
    const shards = splitTrainingBatch(batch, dims, 7, fields);
    expect(shards.map((s) => s?.batch.batchSize ?? 0)).toEqual([1, 1, 1, 1, 1, 0, 0]);
    expect(shards[0]!.batch.images.buffer).not.toBe(batch.images.buffer);
  });

  it('gives a 0 share (not NaN) of a normaliser that is 0 over the whole batch', () => {
    const masked = { ...batch, weights: new Float32Array(10), intensities: new Float32Array(5).fill(Number.NaN) };
    const [a, b] = splitTrainingBatch(masked, dims, 2, fields);
    expect(a!.share).toEqual({ samples: 3 / 5, heatmap: 0, labelled: 0 });
    expect(b!.share.heatmap).toBe(0);
  });

  it('checks the batch like the trainer does', () => {
    expect(() => splitTrainingBatch({ ...batch, weights: new Float32Array(3) }, dims, 2, fields)).toThrow(/splitTrainingBatch\(batch.weights\)/);
  });
});
