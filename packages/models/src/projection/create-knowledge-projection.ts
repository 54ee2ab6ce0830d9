import * as tf from '@tensorflow/tfjs';
import { DEFAULT_GEOMETRY_DIM, DEFAULT_PROJECTION_CHANNELS } from '../defaults.js';
import { seedStream } from '../seeds.js';

/** Options of {@link createKnowledgeProjection}. */
export interface KnowledgeProjectionOptions {
  /** [H, W, C] of the backbone features M */
  featureShape: [number, number, number];
  /** channels after the 1×1 reduction (default `DEFAULT_PROJECTION_CHANNELS` = 8) */
  reducedChannels?: number;
  /** D: size of Ĝ, equal to the geometry encoder's (default `DEFAULT_GEOMETRY_DIM` = 128) */
  D?: number;
  /** seed of every initializer (default 0) */
  seed?: number;
}

/** The knowledge projection is a plain tfjs model `M (B×H×W×C) → Ĝ (B×D)`. */
export type KnowledgeProjection = tf.LayersModel;

/**
 * The knowledge projection `Ĝ = W × M` (docs/method.md §4): a 1×1 convolution that reduces the
 * channels of M to `reducedChannels`, a flatten and a dense layer to D values, with no
 * non-linearity anywhere, so the whole map is linear (affine, with the biases).
 *
 * Input `M: B×H×W×C` → output `Ĝ: B×D`. Training only: never part of an exported model.
 */
export function createKnowledgeProjection(options: KnowledgeProjectionOptions): KnowledgeProjection {
  const { featureShape, reducedChannels = DEFAULT_PROJECTION_CHANNELS, D = DEFAULT_GEOMETRY_DIM, seed = 0 } = options ?? ({} as KnowledgeProjectionOptions);
  if (!Array.isArray(featureShape) || featureShape.length !== 3 || !featureShape.every((v) => Number.isInteger(v) && v > 0)) {
    throw new RangeError(`createKnowledgeProjection(featureShape): expected [H, W, C] positive integers, got ${JSON.stringify(featureShape)}`);
  }
  for (const [field, value] of [['reducedChannels', reducedChannels], ['D', D]] as const) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new RangeError(`createKnowledgeProjection(${field}): expected a positive integer, got ${String(value)}`);
    }
  }
  const seeds = seedStream(seed);
  const input = tf.input({ shape: featureShape, name: 'features' });
  const reduced = tf.layers
    .conv2d({
      name: 'projection_reduce',
      filters: reducedChannels,
      kernelSize: 1,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seeds() }),
    })
    .apply(input) as tf.SymbolicTensor;
  const flat = tf.layers.flatten({ name: 'projection_flatten' }).apply(reduced) as tf.SymbolicTensor;
  const gHat = tf.layers
    .dense({ name: 'G_hat', units: D, kernelInitializer: tf.initializers.glorotUniform({ seed: seeds() }) })
    .apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: gHat, name: 'g2rl_knowledge_projection' });
}

/**
 * The contract name (ARCHITECTURE.md): `KnowledgeProjection.create(options)` is
 * {@link createKnowledgeProjection}; the type `KnowledgeProjection` is the model it returns.
 */
export const KnowledgeProjection = { create: createKnowledgeProjection } as const;
