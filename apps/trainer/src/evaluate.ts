/**
 * Evaluation: heatmaps for every test crop (no augmentation), decoded to AU intensities,
 * compared with the labels by @g2rl/metrics (per-AU ICC(3,1), MAE, MSE, PCC).
 */
import * as tf from '@tensorflow/tfjs';
import { BatchLoader, type AlignedCropCache, type Sample } from '@g2rl/datasets';
import type { HeatmapCodec } from '@g2rl/heatmaps';
import { auReport, type AuReport } from '@g2rl/metrics';

/** Heatmaps for a batch of images: `B×S×S×3` in [0, 1] → `B×H×W×K`. */
export type HeatmapPredictor = (images: Float32Array, batchSize: number) => Promise<Float32Array>;

/** A predictor over a plain tfjs model (e.g. an exported inference model). */
export function modelPredictor(model: tf.LayersModel): HeatmapPredictor {
  const size = model.inputs[0].shape[1] as number;
  return async (images, batchSize) => {
    const out = tf.tidy(() => model.predict(tf.tensor4d(images, [batchSize, size, size, 3])) as tf.Tensor);
    try {
      return (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
  };
}

export interface Evaluation {
  report: AuReport;
  /** frames × A predicted intensities, in `ids` order. */
  predictions: number[][];
  /** frames × A labels (NaN = missing). */
  truth: number[][];
  ids: string[];
  /** A few samples' crops and heatmaps, for the overlay plot. */
  examples: { id: string; crop: Uint8Array; heatmaps: Float32Array; points: Float32Array }[];
}

export interface EvaluateOptions {
  samples: Sample[];
  cache: AlignedCropCache;
  predict: HeatmapPredictor;
  /** The model's heatmap codec (S, H, σ, normalisation, AUs): `codecFromCard(card)` or the run's. */
  codec: HeatmapCodec;
  batchSize?: number;
  /** How many examples to keep for plots (default 8). */
  examples?: number;
  onProgress?: (done: number, total: number) => void;
}

export async function evaluate(options: EvaluateOptions): Promise<Evaluation> {
  const { samples, cache, predict, codec } = options;
  const aus = [...codec.aus];
  const { inputSize: size, heatmapSize, channels: K } = codec;
  const loader = new BatchLoader({
    samples,
    cache,
    aus,
    batchSize: options.batchSize ?? 32,
    size,
    codec,
    shuffle: false,
    augment: false,
    workers: 0,
    prefetch: 1,
  });
  const predictions: number[][] = [];
  const truth: number[][] = [];
  const ids: string[] = [];
  const examples: Evaluation['examples'] = [];
  const wanted = options.examples ?? 8;
  const stride = Math.max(1, Math.floor(samples.length / Math.max(1, wanted)));
  try {
    for await (const batch of loader) {
      const heatmaps = await predict(batch.images, batch.batchSize);
      const decoded = codec.decodeBatch(heatmaps, batch.batchSize);
      const mapSize = heatmapSize * heatmapSize * K;
      decoded.forEach((d, b) => {
        const index = ids.length;
        ids.push(batch.ids[b]);
        predictions.push(Array.from(d.intensities));
        truth.push(Array.from(batch.intensities.subarray(b * aus.length, (b + 1) * aus.length)));
        if (examples.length < wanted && index % stride === 0) {
          const crop = new Uint8Array(size * size * 3);
          const pixels = batch.images.subarray(b * size * size * 3, (b + 1) * size * size * 3);
          for (let i = 0; i < crop.length; i++) crop[i] = Math.round(Math.min(1, Math.max(0, pixels[i])) * 255);
          const points = d.cropPoints;
          examples.push({ id: batch.ids[b], crop, heatmaps: heatmaps.slice(b * mapSize, (b + 1) * mapSize), points });
        }
      });
      options.onProgress?.(ids.length, samples.length);
    }
  } finally {
    await loader.close();
  }
  return { report: auReport(predictions, truth, aus), predictions, truth, ids, examples };
}

/** `id,AU1,AU2,…` with the predicted intensities (3 decimals) and `true_AU…` columns. */
export function predictionsCsv(evaluation: Pick<Evaluation, 'ids' | 'predictions' | 'truth'>, aus: number[]): string {
  const header = ['id', ...aus.map((au) => `AU${au}`), ...aus.map((au) => `true_AU${au}`)].join(',');
  const rows = evaluation.ids.map((id, i) =>
    [csvField(id), ...evaluation.predictions[i].map((v) => v.toFixed(3)), ...evaluation.truth[i].map((v) => (Number.isFinite(v) ? String(v) : ''))].join(','),
  );
  return `${[header, ...rows].join('\n')}\n`;
}

export function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
