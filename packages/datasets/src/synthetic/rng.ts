/**
 * The seeded random source of the synthetic data set (mulberry32, as everywhere in g2rl).
 * Every random choice of the generator goes through one of these, so that a seed fixes
 * every identity, expression, pose, lighting and noise value, byte for byte.
 */
import { mulberry32 } from '@g2rl/common';

export interface SyntheticRng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [low, high). */
  uniform(low: number, high: number): number;
  /** Integer uniform in [low, high] (both inclusive). */
  int(low: number, high: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** `true` with probability `p`. */
  chance(p: number): boolean;
  /** One element of `items`, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** A 32-bit seed for a child generator, drawn from this one. */
  fork(): number;
}

/** The generator's random source: `@g2rl/common`'s mulberry32 behind a richer interface. */
export function syntheticRng(seed: number): SyntheticRng {
  if (!Number.isFinite(seed)) throw new Error(`syntheticRng: seed must be a finite number, got ${seed}`);
  const next = mulberry32(Math.trunc(seed));
  return {
    next,
    uniform: (low, high) => low + (high - low) * next(),
    int: (low, high) => low + Math.floor(next() * (high - low + 1)),
    normal: () => {
      const u = 1 - next(); // (0, 1]: log(u) is finite
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error('syntheticRng.pick: cannot pick from an empty list');
      return items[Math.floor(next() * items.length)];
    },
    fork: () => Math.floor(next() * 4294967296) >>> 0,
  };
}
