export * from './backbone/index';
export * from './geometry/index';
export { createKnowledgeProjection, KnowledgeProjection, type KnowledgeProjectionOptions } from './projection/createKnowledgeProjection';
export * from './trainer/index';
export { mulberry32, seedStream, type SeedStream } from './seeds';
export * from './export/index';
