/**
 * The trainer's one seeded shuffle. It belongs in the repository's single PRNG/shuffle home
 * (issue 18, point 2); until that exists this is its only call site in the app (split and
 * geometry pretraining import it from here).
 */
import { mulberry32 } from '@g2rl/models';

/** Seeded Fisher–Yates permutation of 0…n−1 (mulberry32). */
export function seededPermutation(n: number, seed: number): Uint32Array {
  const next = mulberry32(seed);
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
