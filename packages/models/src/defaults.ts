/**
 * The named defaults of @g2rl/models, in one place: the geometry encoder, the knowledge
 * projection, `G2RLTrainer` and the training app (`apps/trainer` config) all import them, so
 * a default changes in one line. Where an app deliberately picks another value (the
 * trainer's `static` adjacency, the demo's λ = 1e-4), its README says why.
 */

/** D, the size of the geometry vector G and of its projection Ĝ. */
export const DEFAULT_GEOMETRY_DIM = 128;

/**
 * The geometry encoder's graph: 'dynamic' measured more accurate in `pnpm bench models`
 * (README); 'static' is ~4× cheaper to pretrain.
 */
export const DEFAULT_ADJACENCY: 'static' | 'dynamic' = 'dynamic';

/** Channels of W's 1×1 reduction of M. */
export const DEFAULT_PROJECTION_CHANNELS = 8;

/** λ, the weight of L_G in λ·L_G + (1 − λ)·L_S. */
export const DEFAULT_LAMBDA = 0.1;

/** Adam learning rate of `trainStep` (backbone and W). */
export const DEFAULT_LEARNING_RATE = 1e-3;

/** Adam learning rate of geometry pretraining. */
export const DEFAULT_GEOMETRY_LEARNING_RATE = 3e-3;

/** The backbone preset when none is given. */
export const DEFAULT_BACKBONE_PRESET = 'small' as const;
