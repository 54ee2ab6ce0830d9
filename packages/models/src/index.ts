export * from './backbone/index.js';
export * from './geometry/index.js';
export { createKnowledgeProjection, KnowledgeProjection, type KnowledgeProjectionOptions } from './projection/create-knowledge-projection.js';
export * from './trainer/index.js';
export * from './defaults.js';
export { seedStream, type SeedStream } from './seeds.js';
export * from './export/index.js';
