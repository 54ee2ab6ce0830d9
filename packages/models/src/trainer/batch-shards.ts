/**
 * Splitting one training batch into shards for data-parallel training (docs/method.md §4,
 * "Data-parallel training"): each shard's loss, scaled by its {@link GradientShare}, is its
 * part of the whole batch's loss, so the shards' gradients *sum* to the batch's gradient
 * (up to float rounding, and except for batch norm, which normalises each shard by its own
 * statistics).
 */
import { type BatchDimensions, type TrainingBatchArrays, checkTrainingBatch } from './batch.js';

/**
 * What fraction of the whole batch's loss normalisers a shard holds. Every G2RL loss is a sum
 * over the batch divided by a count; a shard's own loss (its sum ÷ its count) times its share
 * of that count is its part of the batch's loss.
 */
export interface GradientShare {
  /** B_r / B: L_G and the per-sample means (`geometryLoss`) */
  samples: number;
  /** Σ_r w / Σ w over the B×K channel weights: L_S (`heatmapLoss` divides by H·W·Σw) */
  heatmap: number;
  /** labelled intensities of the shard / of the batch: `intensityLoss` (pretraining, the joint auxiliary loss) */
  labelled: number;
}

/** The share of a shard that is the whole batch: every loss unscaled. */
export const WHOLE_BATCH: Readonly<GradientShare> = Object.freeze({ samples: 1, heatmap: 1, labelled: 1 });

/** One shard: a contiguous run of the batch's samples `[start, start + batchSize)` and its share. */
export interface BatchShard {
  start: number;
  batch: TrainingBatchArrays & { batchSize: number };
  share: GradientShare;
}

/**
 * Sizes of `parts` contiguous shards of B samples: ⌈B/parts⌉ for the first `B mod parts`,
 * ⌊B/parts⌋ for the rest (16 in 2 → 8, 8; 15 in 2 → 8, 7; 3 in 4 → 1, 1, 1, 0).
 */
export function shardSizes(batchSize: number, parts: number): number[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`shardSizes(batchSize): expected an integer ≥ 1, got ${String(batchSize)}`);
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError(`shardSizes(parts): expected an integer ≥ 1, got ${String(parts)}`);
  const base = Math.floor(batchSize / parts);
  const extra = batchSize % parts;
  return Array.from({ length: parts }, (_, r) => base + (r < extra ? 1 : 0));
}

/** `x / total`, with 0 / 0 = 0 (a batch whose every channel is masked: every shard's loss is 0). */
const fraction = (x: number, total: number) => (total > 0 ? x / total : 0);

/**
 * Splits a batch into `parts` shards ({@link shardSizes}); an empty shard (B < parts) is null.
 * The arrays are copies (each can be sent to another thread). `intensities` is split when present.
 * @param batch images B×S×S×3, heatmaps B×H×W×K, weights B×K, geometry B×N×2, intensities B×A (optional)
 */
export function splitTrainingBatch(batch: TrainingBatchArrays, dims: BatchDimensions, parts: number, fields: readonly (keyof TrainingBatchArrays)[]): (BatchShard | null)[] {
  const size = checkTrainingBatch(batch, dims, fields, 'splitTrainingBatch');
  const sizes = shardSizes(size, parts);
  const K = dims.keypoints;
  const A = dims.aus;
  const sum = (array: Float32Array | undefined, from: number, to: number, test: (v: number) => boolean, value: (v: number) => number) => {
    let s = 0;
    if (array) for (let i = from; i < to; i++) if (test(array[i])) s += value(array[i]);
    return s;
  };
  const weightOf = (from: number, to: number) => sum(batch.weights, from * K, to * K, () => true, (v) => v);
  const labelledOf = (from: number, to: number) => sum(batch.intensities, from * A, to * A, (v) => !Number.isNaN(v), () => 1);
  const totalWeight = fields.includes('weights') ? weightOf(0, size) : 0;
  const totalLabelled = fields.includes('intensities') ? labelledOf(0, size) : 0;
  const shards: (BatchShard | null)[] = [];
  let start = 0;
  for (const n of sizes) {
    if (n === 0) {
      shards.push(null);
      continue;
    }
    const end = start + n;
    const part: TrainingBatchArrays & { batchSize: number } = { batchSize: n } as TrainingBatchArrays & { batchSize: number };
    for (const field of fields) {
      if (field === 'batchSize') continue;
      const array = batch[field] as Float32Array;
      const per = array.length / size;
      (part as unknown as Record<string, Float32Array>)[field] = array.slice(start * per, end * per);
    }
    shards.push({
      start,
      batch: part,
      share: {
        samples: n / size,
        heatmap: fields.includes('weights') ? fraction(weightOf(start, end), totalWeight) : 0,
        labelled: fields.includes('intensities') ? fraction(labelledOf(start, end), totalLabelled) : 0,
      },
    });
    start = end;
  }
  return shards;
}
