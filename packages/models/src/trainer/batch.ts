/**
 * The plain-array training batch the trainer takes (what `@g2rl/datasets`' BatchLoader
 * yields), and its validation. Shapes (row-major, channels-last):
 */
export interface TrainingBatchArrays {
  /** B×S×S×3, RGB in [0, 1] */
  images: Float32Array;
  /** B×H×W×K target heatmaps */
  heatmaps: Float32Array;
  /** B×K channel weights (0 = AU missing) */
  weights: Float32Array;
  /** B×N×2 geometry features F⁰ (`geometryFeatures`: centred, in inter-ocular distances) */
  geometry: Float32Array;
  /** B×A intensities, NaN = missing (used by geometry pretraining and the 'joint' mode) */
  intensities?: Float32Array;
  /** B; inferred from `images` when omitted */
  batchSize?: number;
}

/** The sizes a batch must agree with. */
export interface BatchDimensions {
  inputSize: number;
  heatmapSize: number;
  keypoints: number;
  landmarks: number;
  aus: number;
}

/** Returns B after checking that every array has the length its shape implies. */
export function checkTrainingBatch(
  batch: TrainingBatchArrays,
  dims: BatchDimensions,
  fields: readonly (keyof TrainingBatchArrays)[],
  fn: string,
): number {
  if (batch == null || typeof batch !== 'object') throw new TypeError(`${fn}(batch): expected an object of typed arrays`);
  const perSample: Record<string, [number, string]> = {
    images: [dims.inputSize * dims.inputSize * 3, `S×S×3 = ${dims.inputSize}×${dims.inputSize}×3`],
    heatmaps: [dims.heatmapSize * dims.heatmapSize * dims.keypoints, `H×W×K = ${dims.heatmapSize}×${dims.heatmapSize}×${dims.keypoints}`],
    weights: [dims.keypoints, `K = ${dims.keypoints}`],
    geometry: [dims.landmarks * 2, `N×2 = ${dims.landmarks}×2`],
    intensities: [dims.aus, `A = ${dims.aus}`],
  };
  const first = fields[0] as string;
  const size =
    batch.batchSize ??
    (batch[first as keyof TrainingBatchArrays] instanceof Float32Array
      ? (batch[first as keyof TrainingBatchArrays] as Float32Array).length / perSample[first][0]
      : NaN);
  if (!Number.isInteger(size) || size <= 0) {
    throw new RangeError(`${fn}(batch.batchSize): expected a positive integer B, got ${String(batch.batchSize ?? size)}`);
  }
  for (const field of fields) {
    const array = batch[field];
    const [length, layout] = perSample[field as string];
    if (!(array instanceof Float32Array)) {
      throw new TypeError(`${fn}(batch.${String(field)}): expected a Float32Array of B×${layout}`);
    }
    if (array.length !== size * length) {
      throw new RangeError(
        `${fn}(batch.${String(field)}): expected ${size * length} values (B×${layout} with B = ${size}), got ${array.length}`,
      );
    }
  }
  return size;
}
