/**
 * Deterministic seed streams. Every initializer in this package takes a seed drawn from a
 * stream created from the user's seed, so that the same seed gives the same weights on
 * every backend (tfjs draws initial values in JavaScript, not in the backend).
 */
import { mulberry32 } from '@g2rl/common';

/** A function that returns a new integer seed in [0, 2³¹) on each call. */
export type SeedStream = () => number;

/** Creates a seed stream from one user seed (any finite number). */
export function seedStream(seed: number): SeedStream {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new TypeError(`seedStream(seed): expected a finite number, got ${String(seed)}`);
  }
  const random = mulberry32(Math.floor(seed) ^ 0x9e3779b9);
  return () => Math.floor(random() * 2 ** 31);
}
