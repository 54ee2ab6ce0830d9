/**
 * A resting-face bias per identity: some people's neutral face looks, to a model, like a
 * slight frown, smile or raised brow. Rendered intensities are then the true (labelled)
 * intensities plus that person's bias, clipped to [0, 5]; the labels stay the true ones.
 * This is what per-person calibration (OpenFace's dynamic models, g2rl-analyze --calibrate)
 * is meant to remove. Separate from the data set writer: its default output is unchanged.
 */
import { SYNTHETIC_AUS } from './action-units.js';
import type { SyntheticRng } from './rng.js';

export interface RestingFaceBiasOptions {
  /** Largest bias, intensity levels. Default 1.5. */
  maxLevel?: number;
  /** Chance that each AU is biased for a person. Default 0.35. */
  probability?: number;
}

/** One person's bias, A = 12 values in `SYNTHETIC_AUS` order (0 for most AUs). */
export function sampleRestingFaceBias(rng: SyntheticRng, options: RestingFaceBiasOptions = {}): Float32Array {
  const maxLevel = options.maxLevel ?? 1.5;
  const probability = options.probability ?? 0.35;
  if (!(maxLevel >= 0 && maxLevel <= 5)) throw new Error(`sampleRestingFaceBias: maxLevel must be in [0, 5], got ${maxLevel}`);
  if (!(probability >= 0 && probability <= 1)) throw new Error(`sampleRestingFaceBias: probability must be in [0, 1], got ${probability}`);
  return Float32Array.from(SYNTHETIC_AUS, () => (rng.chance(probability) ? rng.uniform(0.3 * maxLevel, maxLevel) : 0));
}

/** The intensities to render: `intensities` (A) + `bias` (A), clipped to [0, 5]. */
export function withRestingFaceBias(intensities: ArrayLike<number>, bias: ArrayLike<number>): Float32Array {
  if (intensities.length !== bias.length) throw new Error(`withRestingFaceBias: ${intensities.length} intensities but ${bias.length} bias values`);
  return Float32Array.from(intensities, (v, a) => Math.min(5, Math.max(0, v + bias[a]!)));
}
