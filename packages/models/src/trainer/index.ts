export { G2RLTrainer, type G2RLTrainerOptions, type G2RLTrainerState, type GeometryMode, type GeometryScale, type TrainStepResult } from './G2RLTrainer';
export { Adam, type AdamOptions, type AdamState, type KeyedVariable } from './adam';
export { type TrainingBatchArrays, type BatchDimensions, checkTrainingBatch } from './batch';
export { syntheticTrainingBatch } from './syntheticBatch';
export { type NamedArray, readModelWeights, writeModelWeights } from './weightsState';
