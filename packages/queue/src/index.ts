export { parseRedisUrl, redactRedisUrl, type RedisTarget } from './redis-url.js';
export { canonicalJson, jobIdFor } from './job-id.js';
export { publishResult, readCompleteResult, resultPaths, type PublishedResult, type ResultMeta } from './result-files.js';
export { openJobQueue, formatQueueStatus, DEFAULT_QUEUE, type JobQueue, type JobSpec, type JobSummary, type QueueStatus, type RetrySettings } from './job-queue.js';
export { startWorker, type JobContext, type RunningWorker, type WorkerSettings } from './worker.js';
