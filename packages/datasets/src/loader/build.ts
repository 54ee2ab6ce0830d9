// Building one batch from its task: shared by the main thread (workers: 0) and the worker.
import { alignFace, decodeImage, type AlignmentPoints } from '@g2rl/face';
import { createHeatmapCodec } from '@g2rl/heatmaps';
import type { Augmentation } from './augment.js';
import { allocateBatch, fillSlot, type BatchShape, type TrainingBatch } from './batch.js';

/** Where aligned crops come from: the cache (shared memory), or image files decoded and aligned on the fly. */
export type CropSourceInit =
  | {
      kind: 'cache';
      /** cache rows count×S×S×3 and count×N×2 (SharedArrayBuffer-backed: no copy to workers) */
      crops: Uint8Array;
      landmarks: Float32Array;
      /** cache row of each loader sample */
      rowOfSample: Int32Array;
    }
  | {
      kind: 'files';
      images: string[];
      /** per sample N×2, source-image pixels */
      landmarks: Float32Array[];
      points: AlignmentPoints;
      maxPixels?: number;
    };

/** Everything a batch builder needs, posted once to each worker. */
export interface BuilderInit {
  shape: BatchShape;
  source: CropSourceInit;
  ids: string[];
  /** per sample A intensities, loader AU order, flat n×A */
  intensities: Float32Array;
}

export interface BatchTask {
  /** loader sample indices of the batch, in order */
  samples: number[];
  augmentations: Augmentation[];
}

/** Builds one TrainingBatch: crops from the source, then augmentation and encoding per slot. */
export async function buildBatch(init: BuilderInit, task: BatchTask): Promise<TrainingBatch> {
  const { shape, source } = init;
  const a = shape.aus.length;
  const n2 = shape.landmarkCount * 2;
  const cropBytes = shape.size * shape.size * 3;
  const batch = allocateBatch(task.samples.length, shape);
  const codec = createHeatmapCodec(shape.codec);
  const crops = source.kind === 'cache'
    ? task.samples.map((index) => {
        const row = source.rowOfSample[index];
        return { image: source.crops.subarray(row * cropBytes, (row + 1) * cropBytes), landmarks: source.landmarks.subarray(row * n2, (row + 1) * n2) };
      })
    : await Promise.all(task.samples.map(async (index) => {
        const id = init.ids[index];
        try {
          const image = await decodeImage(source.images[index], source.maxPixels === undefined ? {} : { maxPixels: source.maxPixels });
          const aligned = alignFace(image, source.landmarks[index], { size: shape.size, scheme: shape.scheme, points: source.points });
          return { image: aligned.image.data, landmarks: aligned.landmarks };
        } catch (error) {
          throw new Error(`BatchLoader: sample ${id} (${source.images[index]}): ${(error as Error).message}`);
        }
      }));
  task.samples.forEach((index, b) => {
    fillSlot(batch, b, shape, codec, init.ids[index], crops[b].image, crops[b].landmarks, init.intensities.subarray(index * a, (index + 1) * a), task.augmentations[b]);
  });
  return batch;
}
