/**
 * Deterministic seed streams. Every initializer in this package takes a seed drawn from a
 * stream created from the user's seed, so that the same seed gives the same weights on
 * every backend (tfjs draws initial values in JavaScript, not in the backend).
 */

/** mulberry32: a small, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
