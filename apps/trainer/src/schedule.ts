/**
 * The run's training schedule: the config's learning rate, decay, λ and projection warm-up as
 * the `TrainingSchedule` of @g2rl/models, where what each epoch gets is computed
 * (`learningRateAt`, `geometryReachesBackboneAt`; `G2RLTrainer.applySchedule(epoch)` sets them).
 */
import type { TrainingSchedule } from '@g2rl/models';
import type { TrainConfig } from './config.js';

export function trainingSchedule(config: TrainConfig): TrainingSchedule {
  const t = config.train;
  return {
    learningRate: t.learningRate,
    lrDecayEpochs: t.lrDecayEpochs,
    lrDecayFactor: t.lrDecayFactor,
    lambda: t.lambda,
    projectionWarmupEpochs: t.projectionWarmupEpochs,
  };
}
