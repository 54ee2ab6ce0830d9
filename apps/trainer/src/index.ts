export * from './config.js';
export { main, flagsToOverrides } from './cli.js';
export { runPipeline, type RunOutcome } from './pipeline.js';
export { trainRun, learningRateAt, configHash, presetSizes, Interrupted, type StopFlag, type HistoryPoint } from './train.js';
export { evaluate, modelPredictor, predictionsCsv, type Evaluation, type HeatmapPredictor } from './evaluate.js';
export { encodeCheckpoint, decodeCheckpoint, saveCheckpoint, loadCheckpoint, writeFileAtomic } from './checkpoint.js';
export { runPaths, type RunPaths } from './run-folder.js';
export { UserError } from './errors.js';
