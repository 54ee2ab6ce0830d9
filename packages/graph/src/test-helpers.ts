/** Seeded PRNG (mulberry32) for tests: same seed, same numbers, on every machine. */
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

/** `count` random 2-D points in [0, scale)², as `[x, y][]`. */
export function randomPoints(count: number, seed: number, scale = 10): number[][] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => [random() * scale, random() * scale]);
}
