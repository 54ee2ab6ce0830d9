import { G2RLTrainer, geometryReachesBackboneAt, learningRateAt } from '@g2rl/models';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, PRESETS, mergeConfig } from './config.js';
import { trainingSchedule } from './schedule.js';

describe('trainingSchedule', () => {
  it('divides the learning rate by 10 at the start of each decay epoch (1-based), as docs/method.md §6', () => {
    const schedule = trainingSchedule(mergeConfig(DEFAULT_CONFIG, { train: { learningRate: 5e-4, lrDecayEpochs: [5, 10], lrDecayFactor: 0.1 } }));
    expect(learningRateAt(schedule, 0)).toBeCloseTo(5e-4, 12);
    expect(learningRateAt(schedule, 3)).toBeCloseTo(5e-4, 12);
    expect(learningRateAt(schedule, 4)).toBeCloseTo(5e-5, 12); // epoch 5
    expect(learningRateAt(schedule, 9)).toBeCloseTo(5e-6, 12); // epoch 10
  });

  it("the demo's first epoch fits only W: L_G reaches the backbone from epoch 2", () => {
    const schedule = trainingSchedule(mergeConfig(DEFAULT_CONFIG, PRESETS.demo));
    expect([0, 1, 2].map((e) => geometryReachesBackboneAt(schedule, e))).toEqual([false, true, true]);
    expect(schedule.lambda).toBe(1e-4);
  });

  it('G2RLTrainer.applySchedule sets learning rate, λ and geometryReachesBackbone of an epoch', () => {
    const schedule = trainingSchedule(mergeConfig(DEFAULT_CONFIG, PRESETS.demo));
    const trainer = new G2RLTrainer({ backbone: 'small', aus: 1, landmarks: 4, ...schedule, geometry: { gcnUnits: [2, 2, 2], convUnits: 2, denseUnits: [4, 4], D: 4, k: 2 } });
    trainer.applySchedule(0);
    expect([trainer.learningRate, trainer.lambda, trainer.geometryReachesBackbone]).toEqual([2e-3, 1e-4, false]);
    trainer.applySchedule(2);
    expect(trainer.learningRate).toBeCloseTo(2e-4, 12);
    expect(trainer.geometryReachesBackbone).toBe(true);
    trainer.dispose();
  });
});
