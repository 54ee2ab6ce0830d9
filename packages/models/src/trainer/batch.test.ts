import { describe, expect, it } from 'vitest';
import { checkTrainingBatch } from './batch.js';
import { syntheticTrainingBatch } from './synthetic-batch.js';

const dims = { inputSize: 8, heatmapSize: 2, keypoints: 4, landmarks: 5, aus: 2 };

describe('checkTrainingBatch', () => {
  it('returns B for a well-formed batch, inferring it from the first field when absent', () => {
    const batch = syntheticTrainingBatch(dims, 3, 1);
    expect(checkTrainingBatch(batch, dims, ['images', 'heatmaps', 'weights', 'geometry', 'intensities'], 'f')).toBe(3);
    expect(checkTrainingBatch({ ...batch, batchSize: undefined }, dims, ['images', 'weights'], 'f')).toBe(3);
  });

  it('names the field, the layout and the expected length', () => {
    const batch = syntheticTrainingBatch(dims, 2, 1);
    expect(() => checkTrainingBatch({ ...batch, geometry: new Float32Array(3) }, dims, ['geometry'], 'trainStep')).toThrow(
      'trainStep(batch.geometry): expected 20 values (B×N×2 = 5×2 with B = 2), got 3',
    );
    expect(() => checkTrainingBatch({ ...batch, images: [1, 2] as never }, dims, ['images'], 'f')).toThrow(
      /f\(batch\.images\): expected a Float32Array of B×S×S×3 = 8×8×3/,
    );
    expect(() => checkTrainingBatch({ ...batch, batchSize: 0 }, dims, ['images'], 'f')).toThrow(/batch\.batchSize/);
  });
});

describe('syntheticTrainingBatch', () => {
  it('is seeded and marks NaN intensities with zero weights and empty heatmaps', () => {
    const a = syntheticTrainingBatch(dims, 4, 7);
    expect(syntheticTrainingBatch(dims, 4, 7)).toEqual(a);
    for (let b = 0; b < 4; b++) {
      for (let k = 0; k < 4; k++) {
        const missing = Number.isNaN(a.intensities[b * 2 + Math.floor(k / 2)]);
        expect(a.weights[b * 4 + k]).toBe(missing ? 0 : 1);
      }
    }
  });
});
