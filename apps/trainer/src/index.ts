// The trainer's programmatic API: the CLI (`main`), one whole run (`runPipeline`), the config
// and its errors. The parts a run is made of (schedule, checkpoint format, phases, history)
// are internal: their files are imported directly by the app and its tests.
export * from './config.js';
export { main, flagsToOverrides } from './cli.js';
export { runPipeline, type RunOutcome } from './pipeline.js';
export { trainRun, createRunTrainer, type TrainedRun } from './train.js';
export { ReplicaPool } from './parallel/replica-pool.js';
export { ModelPool, evaluationPredictor } from './parallel/model-pool.js';
export { resolveWorkerCount, type WorkersSetting } from './parallel/worker-count.js';
export { evaluate, modelPredictor, predictionsCsv, type Evaluation, type HeatmapPredictor } from './evaluate.js';
export { UserError } from './errors.js';
export { splitOf, type Split } from './split.js';
export { loadData, cropCacheDir, type LoadedData } from './data.js';
