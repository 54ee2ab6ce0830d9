import type { G2RLTrainerOptions } from '../trainer/g2rl-trainer.js';
import { TINY_BACKBONE } from './tiny-backbone.js';

/**
 * Options of a tiny G2RLTrainer (the tiny backbone, A = 3, N = 10, a small GCN, D = 6, λ = 0.5),
 * so that trainer tests run in milliseconds. Test support only; not exported.
 */
export const tinyTrainerOptions = (extra: Partial<G2RLTrainerOptions> = {}): G2RLTrainerOptions => ({
  backbone: TINY_BACKBONE,
  aus: 3,
  landmarks: 10,
  lambda: 0.5,
  geometry: { gcnUnits: [4, 4, 4], convUnits: 2, denseUnits: [8, 8], D: 6, k: 3 },
  projectionChannels: 2,
  seed: 1,
  ...extra,
});
