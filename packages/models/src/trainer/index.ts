export {
  G2RLTrainer,
  type G2RLTrainerOptions,
  type G2RLTrainerState,
  type GeometryMode,
  type GeometryScale,
  type GradientOptions,
  type TrainingPhase,
  type TrainStepResult,
} from './g2rl-trainer.js';
export { type BatchShard, type GradientShare, WHOLE_BATCH, shardSizes, splitTrainingBatch } from './batch-shards.js';
export { type FlatGradients, type GradientLayout, gradientLayout, packGradients, unpackGradients } from './flat-gradients.js';
export { type TrainingSchedule, DEFAULT_SCHEDULE, learningRateAt, geometryReachesBackboneAt, scheduleAt, checkSchedule } from './schedule.js';
export { Adam, type AdamOptions, type AdamState, type KeyedVariable } from './adam.js';
export { type TrainingBatchArrays, type BatchDimensions, checkTrainingBatch } from './batch.js';
export { syntheticTrainingBatch } from './synthetic-batch.js';
export { type NamedArray, readModelWeights, writeModelWeights } from './weights-state.js';
