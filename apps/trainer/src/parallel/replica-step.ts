/**
 * The two halves of a data-parallel step that every replica runs alike, the main thread's
 * trainer included: its part (the gradients of its shard into its region, and the batch-norm
 * statistics its shard left), and the combined update (every region summed in rank order,
 * applied with Adam, statistics set to the samples-weighted mean). Same inputs, same code and
 * the same backend give every replica the same bits, so the replicas never drift apart.
 */
import type { G2RLTrainer, GradientShare, TrainingBatchArrays, TrainingPhase } from '@g2rl/models';
import type { CombinePlan, PartResult, StepSettings } from './messages.js';
import { type SharedRegions, sumInOrder, weightedSumInOrder } from './shared-regions.js';

/** Sets the schedule's values the main thread chose for this step. */
export function applySettings(trainer: G2RLTrainer, settings: StepSettings | null): void {
  if (!settings) return;
  trainer.setLearningRate(settings.learningRate);
  trainer.lambda = settings.lambda;
  trainer.geometryReachesBackbone = settings.geometryReachesBackbone;
}

/** One replica's part of a step: gradients and statistics into its region of this parity. */
export async function computePart(
  trainer: G2RLTrainer,
  regions: SharedRegions,
  rank: number,
  parity: 0 | 1,
  phase: TrainingPhase,
  shard: { batch: TrainingBatchArrays; share: GradientShare },
): Promise<PartResult> {
  const into = regions.gradients(parity, rank);
  if (phase === 'train') {
    const { losses, gradients } = await trainer.trainGradients(shard.batch, { share: shard.share, into });
    trainer.readStatistics(phase, regions.statistics(parity, rank));
    return { losses, present: gradients.present };
  }
  const { loss, gradients } = await trainer.pretrainGradients(shard.batch as Parameters<G2RLTrainer['pretrainGradients']>[0], { share: shard.share, into });
  trainer.readStatistics(phase, regions.statistics(parity, rank));
  return { losses: { loss, ls: 0, lg: 0, li: 0 }, present: gradients.present };
}

/** The combined update of a step, once every replica has written its part. */
export function applyCombined(trainer: G2RLTrainer, regions: SharedRegions, plan: CombinePlan, scratch: Float32Array): void {
  const ranks = plan.weights.flatMap((w, r) => (w > 0 ? [r] : []));
  const size = trainer.gradientSize(plan.phase);
  const values = sumInOrder(ranks.map((r) => regions.gradients(plan.parity, r)), size, scratch.subarray(0, size));
  if (plan.phase === 'train') trainer.applyTrainGradients({ values, present: plan.present });
  else trainer.applyPretrainGradients({ values, present: plan.present });
  const statistics = trainer.statisticsSize(plan.phase);
  if (statistics > 0) {
    const mean = weightedSumInOrder(ranks.map((r) => regions.statistics(plan.parity, r)), ranks.map((r) => plan.weights[r]), statistics);
    trainer.writeStatistics(plan.phase, mean);
  }
}
