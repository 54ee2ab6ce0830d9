/**
 * The training schedule of `G2RLTrainer.trainStep`, in one place: the learning rate of each
 * epoch, λ, and from which epoch L_G's gradient reaches the backbone. `G2RLTrainer` holds one
 * and `applySchedule(epoch)` sets all three; the training app only maps its config onto it.
 */
import { DEFAULT_LAMBDA, DEFAULT_LEARNING_RATE } from '../defaults.js';

export interface TrainingSchedule {
  /** Adam learning rate of the first epoch (default 1e-3). */
  learningRate: number;
  /** Epochs (1-based) at whose start the learning rate is multiplied by `lrDecayFactor` (default none). */
  lrDecayEpochs: readonly number[];
  /** default 0.1 */
  lrDecayFactor: number;
  /** λ in [0, 1], the same in every epoch (default 0.1). */
  lambda: number;
  /**
   * Epochs at the start in which L_G fits only the projection W to the backbone's features M
   * and the backbone learns from L_S alone (default 0). From scratch the heatmap head starts
   * near zero and sends almost no gradient into the backbone while L_G's does, so Adam would
   * scale the backbone's steps to L_G; and a W fitted first makes L_G's first gradients into
   * the backbone meaningful instead of random. λ itself does not change.
   */
  projectionWarmupEpochs: number;
}

export const DEFAULT_SCHEDULE: Readonly<TrainingSchedule> = Object.freeze({
  learningRate: DEFAULT_LEARNING_RATE,
  lrDecayEpochs: Object.freeze([]) as readonly number[],
  lrDecayFactor: 0.1,
  lambda: DEFAULT_LAMBDA,
  projectionWarmupEpochs: 0,
});

/** Learning rate of (0-based) epoch e: the base rate × factor for every decay epoch ≤ e + 1. */
export function learningRateAt(schedule: TrainingSchedule, epoch: number): number {
  const decays = schedule.lrDecayEpochs.filter((e) => e <= epoch + 1).length;
  return schedule.learningRate * schedule.lrDecayFactor ** decays;
}

/** Whether L_G's gradient reaches the backbone in (0-based) epoch e: after the projection warm-up. */
export function geometryReachesBackboneAt(schedule: TrainingSchedule, epoch: number): boolean {
  return epoch >= schedule.projectionWarmupEpochs;
}

/** Everything the schedule sets for (0-based) epoch e. */
export function scheduleAt(schedule: TrainingSchedule, epoch: number): { learningRate: number; lambda: number; geometryReachesBackbone: boolean } {
  return { learningRate: learningRateAt(schedule, epoch), lambda: schedule.lambda, geometryReachesBackbone: geometryReachesBackboneAt(schedule, epoch) };
}

/** Checks a schedule; errors name the field (`G2RLTrainer(lrDecayEpochs)`). */
export function checkSchedule(schedule: TrainingSchedule, where = 'G2RLTrainer'): TrainingSchedule {
  const { learningRate, lrDecayEpochs, lrDecayFactor, lambda, projectionWarmupEpochs } = schedule;
  if (typeof learningRate !== 'number' || !Number.isFinite(learningRate) || learningRate < 0) {
    throw new RangeError(`${where}(learningRate): expected a finite number ≥ 0, got ${String(learningRate)}`);
  }
  if (!Array.isArray(lrDecayEpochs) || !lrDecayEpochs.every((e) => Number.isInteger(e) && e >= 1)) {
    throw new RangeError(`${where}(lrDecayEpochs): expected a list of epoch numbers ≥ 1, got ${JSON.stringify(lrDecayEpochs)}`);
  }
  if (typeof lrDecayFactor !== 'number' || !Number.isFinite(lrDecayFactor) || lrDecayFactor <= 0) {
    throw new RangeError(`${where}(lrDecayFactor): expected a number > 0, got ${String(lrDecayFactor)}`);
  }
  if (typeof lambda !== 'number' || !Number.isFinite(lambda) || lambda < 0 || lambda > 1) {
    throw new RangeError(`${where}(lambda): expected a number in [0, 1], got ${String(lambda)}`);
  }
  if (!Number.isInteger(projectionWarmupEpochs) || projectionWarmupEpochs < 0) {
    throw new RangeError(`${where}(projectionWarmupEpochs): expected an integer ≥ 0, got ${String(projectionWarmupEpochs)}`);
  }
  return { learningRate, lrDecayEpochs: [...lrDecayEpochs], lrDecayFactor, lambda, projectionWarmupEpochs };
}
