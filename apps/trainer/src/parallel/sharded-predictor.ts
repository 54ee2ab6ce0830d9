/**
 * Inference over several threads: each batch cut into contiguous parts (`shardSizes`), part 0
 * predicted on this thread, the others by `remote`, the heatmaps joined back in order. Every
 * image's heatmaps depend on that image alone, so the result is the one-thread result.
 */
import { shardSizes } from '@g2rl/models';
import type { HeatmapPredictor } from '../evaluate.js';

/**
 * @param ranks threads, this one included
 * @param own this thread's predictor (part 0)
 * @param remote rank r's (1 ≤ r < ranks) heatmaps of its part: `n×S×S×3` → `n×H×W×K`
 */
export function shardedPredictor(ranks: number, own: HeatmapPredictor, remote: (rank: number, images: Float32Array, batchSize: number) => Promise<Float32Array>): HeatmapPredictor {
  return async (images, batchSize) => {
    const sizes = shardSizes(batchSize, ranks);
    const per = images.length / batchSize;
    const starts = sizes.map((_, r) => sizes.slice(0, r).reduce((a, b) => a + b, 0));
    const others = sizes.slice(1).map((n, i) => (n === 0 ? Promise.resolve(new Float32Array(0)) : remote(i + 1, images.slice(starts[i + 1] * per, (starts[i + 1] + n) * per), n)));
    let first: Float32Array;
    try {
      first = await own(images.subarray(0, sizes[0] * per), sizes[0]);
    } catch (error) {
      await Promise.allSettled(others);
      throw error;
    }
    const parts = [first, ...(await Promise.all(others))];
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  };
}
