/**
 * @g2rl/common: the root entry is pure (the seeded PRNG); the atomic write is Node-only and
 * lives at `@g2rl/common/fs`, so a browser bundle of the root never pulls in `node:fs`.
 */
export { mulberry32, mixSeed, permutation, seededPermutation, normalFrom, seededUniform } from './random.js';
