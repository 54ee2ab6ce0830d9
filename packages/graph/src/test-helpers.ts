import { mulberry32 } from '@g2rl/common';

/** `count` random 2-D points in [0, scale)², as `[x, y][]`. */
export function randomPoints(count: number, seed: number, scale = 10): number[][] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => [random() * scale, random() * scale]);
}
