/**
 * The one seeded random source of g2rl (pure, no Node or tfjs import, safe in a browser).
 * Every random choice in the repository (synthetic faces, augmentation, splits, shuffles,
 * weight initialisation seeds, test data) draws from `mulberry32`, so a seed fixes a result
 * byte for byte on every platform.
 */

/** mulberry32: a small, fast 32-bit PRNG (not for cryptography); uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Mixes integers into one 32-bit seed (murmur3's finaliser over each part), so that the
 * random stream of, say, (seed, epoch, sample) is independent of the order work is done in.
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h ^= Math.imul((part | 0) ^ Math.floor(part / 4294967296), 0xcc9e2d51);
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Fisher–Yates permutation of 0…n−1 driven by `random` (length n). */
export function permutation(n: number, random: () => number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** Seeded permutation of 0…n−1: `permutation(n, mulberry32(seed))`. */
export function seededPermutation(n: number, seed: number): Uint32Array {
  return permutation(n, mulberry32(seed));
}

/** Standard normal draw (Box–Muller) from a uniform source. */
export function normalFrom(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** `n` seeded uniform values in [low, high) (test data, initial weights). */
export function seededUniform(n: number, seed: number, low = 0, high = 1): Float32Array {
  const next = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = low + (high - low) * next();
  return out;
}
