// Horizontal flip of points, for data augmentation: the landmarks with a scheme's `flip`,
// AU points with `auPointFlip(aus)`.

import { assertPositiveInteger, toFlatPoints, type PointsInput } from './points.js';

/**
 * The points of a horizontally mirrored image of width `width` (pixels): point `i` of the
 * result is point `permutation[i]` of the input with x ↦ (width − 1) − x (pixel centres at
 * x = j, so column j lands on column width − 1 − j). Without a permutation the order is kept.
 *
 * @param points N×2 (flat or `[x, y][]`).
 * @param permutation N entries, e.g. `LANDMARK_SCHEMES[scheme].flip` for landmarks or
 *   `auPointFlip(aus)` for AU points (K×2).
 * @returns a new `Float32Array` N×2.
 */
export function mirrorPoints(points: PointsInput, width: number, permutation?: readonly number[]): Float32Array {
  assertPositiveInteger(width, 'mirrorPoints(width)');
  const flat = toFlatPoints(points, 'mirrorPoints(points)');
  const count = flat.length / 2;
  if (permutation !== undefined && permutation.length !== count) {
    throw new Error(`mirrorPoints(permutation): expected N = ${count} entries (one per point), got ${permutation.length}`);
  }
  const out = new Float32Array(flat.length);
  for (let i = 0; i < count; i++) {
    const source = permutation === undefined ? i : permutation[i];
    if (!(source >= 0 && source < count && Number.isInteger(source))) {
      throw new Error(`mirrorPoints(permutation): permutation[${i}] = ${source} is not a point index in [0, ${count - 1}]`);
    }
    out[2 * i] = width - 1 - flat[2 * source];
    out[2 * i + 1] = flat[2 * source + 1];
  }
  return out;
}
