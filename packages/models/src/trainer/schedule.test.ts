import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE, checkSchedule, geometryReachesBackboneAt, learningRateAt, scheduleAt } from './schedule.js';

describe('TrainingSchedule', () => {
  const schedule = { ...DEFAULT_SCHEDULE, learningRate: 5e-4, lrDecayEpochs: [5, 10], projectionWarmupEpochs: 2 };

  it('multiplies the learning rate by the factor at the start of each (1-based) decay epoch', () => {
    expect([0, 3, 4, 9].map((e) => learningRateAt(schedule, e))).toEqual([5e-4, 5e-4, 5e-4 * 0.1, 5e-4 * 0.1 ** 2]);
  });

  it('lets L_G reach the backbone after the projection warm-up; λ stays', () => {
    expect([0, 1, 2].map((e) => geometryReachesBackboneAt(schedule, e))).toEqual([false, false, true]);
    expect(scheduleAt(schedule, 0)).toEqual({ learningRate: 5e-4, lambda: DEFAULT_SCHEDULE.lambda, geometryReachesBackbone: false });
  });

  it('names the bad field', () => {
    expect(() => checkSchedule({ ...schedule, lrDecayEpochs: [0] })).toThrow(/G2RLTrainer\(lrDecayEpochs\)/);
    expect(() => checkSchedule({ ...schedule, lambda: 2 })).toThrow(/G2RLTrainer\(lambda\)/);
  });
});
