// @g2rl/server: the AU-intensity HTTP service as a library (`createServer`); the
// `g2rl-serve` bin is dist/cli.js.
export { createServer, type ServerOptions, type G2rlServer } from './server.js';
export { InferencePool, type InferencePoolOptions } from './inference-pool.js';
export { loadServedModel, missingModelFiles } from './model-loader.js';
export { checkModelFolder } from './model-folder.js';
export { ProblemError, problemBody, PROBLEM_KINDS, PROBLEM_TYPE_BASE, type ProblemBody, type ProblemKind } from './problem.js';
export { sniffImageFormat, type ImageFormat } from './sniff.js';
export { buildOpenApi } from './openapi.js';
export type { AnalyzeJob, AuResult, FaceResult, ImageResult, JobOutcome, Stage } from './analysis-types.js';
export { linearTrend, type Trend } from './trend.js';
