// The analysis pipeline that runs inside the inference worker: decode → detect → 68
// landmarks → align (exactly as in training: alignFace with the card's settings) → one
// model call for every face crop of the batch → decode heatmaps → AU points mapped back
// to the image through the alignment inverse.
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { ALIGNMENT_TEMPLATE, alignFace, applyAffine, createFaceDetector, decodeImage, type FaceDetector, type RgbImage } from '@g2rl/face';
import { AU_CATALOGUE, LANDMARK_SCHEMES, decodeHeatmaps, heatmapToImage } from '@g2rl/heatmaps';
import type { AnalyzeJob, FaceResult, ImageResult, JobOutcome, Stage } from './analysis-types.js';
import { loadServedModel } from './model-loader.js';
import type { ServedModelCard } from './model-card.js';
import { ProblemError, problemBody } from './problem.js';

export interface AnalyzerOptions {
  modelDir: string;
  /** Refuse images with more pixels than this (header check before decoding). */
  maxPixels: number;
  /** At most this many face crops per model call. */
  maxModelBatch: number;
  detector: 'ssd' | 'tiny';
  minConfidence: number;
}

/** A face waiting for the model: its aligned crop and the transforms to map results back. */
interface PendingFace {
  job: number;
  crop: RgbImage;
  transform: number[];
  inverse: number[];
  box: FaceResult['box'];
  score: number | null;
  landmarks: Float32Array | null;
}

const now = (): number => performance.now();

/** Longest side accepted: a 20 000×1 strip is few pixels but absurd for face detection. */
export const MAX_SIDE = 16_384;

function emptyTimings(): Record<Stage, number> {
  return { decode: 0, detect: 0, landmarks: 0, align: 0, model: 0, postprocess: 0 };
}

function toPairs(flat: ArrayLike<number>): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

const round2 = (v: number): number => Math.round(v * 100) / 100;

export class Analyzer {
  private constructor(
    readonly model: tf.LayersModel,
    readonly card: ServedModelCard,
    readonly detector: FaceDetector,
    readonly options: AnalyzerOptions,
  ) {}

  /** Loads the exported model and the face detector (on the active tfjs backend). */
  static async create(options: AnalyzerOptions): Promise<Analyzer> {
    const { model, card } = await loadServedModel(options.modelDir);
    // Serving must frame faces exactly as training did; a model made for another template
    // would see every face shifted or scaled, and its AU points would be wrong.
    if (card.alignment.template !== undefined && card.alignment.template !== ALIGNMENT_TEMPLATE) {
      model.dispose();
      throw new Error(`${options.modelDir}/model-card.json: field "alignment.template" is ${JSON.stringify(card.alignment.template)}, but this server aligns faces to ${JSON.stringify(ALIGNMENT_TEMPLATE)} (@g2rl/face); serve the model with the g2rl version that trained it`);
    }
    const detector = await createFaceDetector({ detector: options.detector, minConfidence: options.minConfidence, maxFaces: 32 });
    const analyzer = new Analyzer(model, card, detector, options);
    // Warm-up: the first call of each kernel compiles/allocates; do it before /readyz says yes.
    tf.tidy(() => { model.predict(tf.zeros([1, card.input.size, card.input.size, 3])); });
    return analyzer;
  }

  /** Analyses a batch of images; one outcome (result or problem) per job, same order. */
  async analyzeBatch(jobs: AnalyzeJob[]): Promise<{ outcomes: JobOutcome[]; modelBatchSizes: number[] }> {
    const timings = new Map<number, Record<Stage, number>>();
    const sizes = new Map<number, { width: number; height: number }>();
    const problems = new Map<number, JobOutcome>();
    const pending: PendingFace[] = [];
    for (const job of jobs) {
      const t = emptyTimings();
      timings.set(job.id, t);
      try {
        const faces = await this.prepare(job, t, sizes);
        pending.push(...faces);
      } catch (error) {
        const problem = error instanceof ProblemError ? error.toBody() : problemBody('internal', `analysis failed: ${(error as Error).message}`);
        problems.set(job.id, { id: job.id, ok: false, problem });
      }
    }
    const { results, modelMs, postMs, modelBatchSizes } = await this.runModel(pending, jobs);
    const outcomes = jobs.map((job): JobOutcome => {
      const problem = problems.get(job.id);
      if (problem) return problem;
      const t = timings.get(job.id)!;
      t.model = modelMs;
      t.postprocess = postMs;
      for (const k of Object.keys(t) as Stage[]) t[k] = round2(t[k]);
      const { width, height } = sizes.get(job.id)!;
      const result: ImageResult = { width, height, faces: results.get(job.id) ?? [], timings: t };
      return { id: job.id, ok: true, result };
    });
    return { outcomes, modelBatchSizes };
  }

  /** Decode, detect, landmarks and align one image; throws a ProblemError for bad input. */
  private async prepare(job: AnalyzeJob, t: Record<Stage, number>, sizes: Map<number, { width: number; height: number }>): Promise<PendingFace[]> {
    let start = now();
    const image = await this.decode(job.bytes);
    sizes.set(job.id, { width: image.width, height: image.height });
    t.decode = now() - start;
    const size = this.card.input.size;
    const alignOptions = { ...this.card.alignment, size, scheme: this.card.scheme };

    if (job.aligned && !job.landmarks) {
      start = now();
      const crop = await resizeTo(image, size);
      // Pixel centres map onto pixel centres: x' = (x + 0.5)·S/w − 0.5.
      const sx = size / image.width;
      const sy = size / image.height;
      const transform = [sx, 0, 0.5 * sx - 0.5, 0, sy, 0.5 * sy - 0.5];
      const inverse = [1 / sx, 0, 0.5 / sx - 0.5, 0, 1 / sy, 0.5 / sy - 0.5];
      t.align = now() - start;
      return [{ job: job.id, crop, transform, inverse, box: { x: 0, y: 0, width: image.width, height: image.height }, score: null, landmarks: null }];
    }

    let found: { box: FaceResult['box']; score: number | null; landmarks: Float32Array }[];
    if (job.aligned && job.landmarks) {
      const landmarks = Float32Array.from(job.landmarks);
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (let i = 0; i < landmarks.length; i += 2) {
        x0 = Math.min(x0, landmarks[i]!); x1 = Math.max(x1, landmarks[i]!);
        y0 = Math.min(y0, landmarks[i + 1]!); y1 = Math.max(y1, landmarks[i + 1]!);
      }
      found = [{ box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, score: null, landmarks }];
    } else {
      start = now();
      const boxes = (await this.detector.detectBoxes(image)).slice(0, job.maxFaces);
      t.detect = now() - start;
      if (boxes.length === 0) {
        throw new ProblemError('no-face', `no face with detector score ≥ ${this.options.minConfidence} in the ${image.width}×${image.height} image; send a photo with a visible face, or an aligned crop with ?aligned=true`);
      }
      start = now();
      const landmarks = await this.detector.detectLandmarks(image, boxes.map((b) => b.box));
      t.landmarks = now() - start;
      found = boxes.map((b, i) => ({ box: b.box, score: b.score, landmarks: this.toCardScheme(landmarks[i]!) }));
    }

    start = now();
    const faces = found.map((f): PendingFace => {
      const aligned = alignFace(image, f.landmarks, alignOptions);
      return { job: job.id, crop: aligned.image, transform: Array.from(aligned.transform), inverse: Array.from(aligned.inverse), box: f.box, score: f.score, landmarks: f.landmarks };
    });
    t.align = now() - start;
    return faces;
  }

  /** The detector's iBUG-68 landmarks (68×2) as the card's scheme (N×2, via toIbug68). */
  private toCardScheme(ibug68: Float32Array): Float32Array {
    if (this.card.scheme === 'ibug68') return ibug68;
    const { toIbug68 } = LANDMARK_SCHEMES[this.card.scheme];
    const out = new Float32Array(toIbug68.length * 2);
    toIbug68.forEach((ibug, i) => { out[2 * i] = ibug68[2 * ibug]!; out[2 * i + 1] = ibug68[2 * ibug + 1]!; });
    return out;
  }

  private async decode(bytes: Uint8Array): Promise<RgbImage> {
    let meta: sharp.Metadata;
    try {
      meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    } catch (error) {
      throw new ProblemError('invalid-image', `cannot read the image header: ${(error as Error).message}`);
    }
    const { width = 0, height = 0 } = meta;
    if (width > MAX_SIDE || height > MAX_SIDE) {
      throw new ProblemError('image-too-large', `the image is ${width}×${height}; each side must be at most ${MAX_SIDE} pixels`);
    }
    if (width * height > this.options.maxPixels) {
      throw new ProblemError('image-too-large', `the image is ${width}×${height} = ${width * height} pixels; the limit is ${this.options.maxPixels} (--max-pixels)`);
    }
    try {
      return await decodeImage(bytes, { maxPixels: this.options.maxPixels });
    } catch (error) {
      throw new ProblemError('invalid-image', (error as Error).message.replace(/^decodeImage\(buffer\): /, ''));
    }
  }

  /** One model call per chunk of ≤ maxModelBatch crops; returns the faces per job. */
  private async runModel(pending: PendingFace[], jobs: AnalyzeJob[]) {
    const results = new Map<number, FaceResult[]>();
    const modelBatchSizes: number[] = [];
    let modelMs = 0;
    let postMs = 0;
    const wantsHeatmaps = new Map(jobs.map((j) => [j.id, j.heatmaps]));
    const S = this.card.input.size;
    const H = this.card.heatmap.size;
    for (let from = 0; from < pending.length; from += this.options.maxModelBatch) {
      const chunk = pending.slice(from, from + this.options.maxModelBatch);
      let start = now();
      const input = new Float32Array(chunk.length * S * S * 3);
      chunk.forEach((face, b) => {
        const offset = b * S * S * 3;
        for (let i = 0; i < S * S * 3; i++) input[offset + i] = face.crop.data[i]! / 255;
      });
      const heatmaps = tf.tidy(() => this.model.predict(tf.tensor4d(input, [chunk.length, S, S, 3])) as tf.Tensor);
      const data = (await heatmaps.data()) as Float32Array;
      const [, h, w, k] = heatmaps.shape as number[];
      heatmaps.dispose();
      modelMs += now() - start;
      modelBatchSizes.push(chunk.length);

      start = now();
      const perCrop = h! * w! * k!;
      for (let b = 0; b < chunk.length; b++) {
        const face = chunk[b]!;
        const maps = data.subarray(b * perCrop, (b + 1) * perCrop);
        const result = await this.describeFace(face, maps, H, S, wantsHeatmaps.get(face.job) ?? false);
        const list = results.get(face.job) ?? [];
        list.push(result);
        results.set(face.job, list);
      }
      postMs += now() - start;
    }
    return { results, modelMs, postMs, modelBatchSizes };
  }

  private async describeFace(face: PendingFace, maps: Float32Array, H: number, S: number, withHeatmaps: boolean): Promise<FaceResult> {
    const { aus, heatmap } = this.card;
    const K = 2 * aus.length;
    const decoded = decodeHeatmaps(maps, { height: H, width: H, channels: K, sigma: heatmap.sigma, normalization: heatmap.normalization });
    const heatmapPoints = new Float32Array(K * 2);
    decoded.points.forEach((p, k) => { heatmapPoints[2 * k] = p.x; heatmapPoints[2 * k + 1] = p.y; });
    const imagePoints = applyAffine(face.inverse as never, heatmapToImage(heatmapPoints, H, S));
    const gain = heatmap.normalization === 'density' ? 1 / (2 * Math.PI * heatmap.sigma ** 2) : 1;
    const result: FaceResult = {
      box: roundBox(face.box),
      score: face.score === null ? null : Math.round(face.score * 1000) / 1000,
      landmarks: face.landmarks ? toPairs(Array.from(face.landmarks, round2)) : null,
      aus: aus.map((au, a) => ({
        au,
        name: AU_CATALOGUE.find((c) => c.au === au)?.name ?? `AU${au}`,
        intensity: round2(decoded.intensities[a]!),
        points: [
          [round2(imagePoints[4 * a]!), round2(imagePoints[4 * a + 1]!)],
          [round2(imagePoints[4 * a + 2]!), round2(imagePoints[4 * a + 3]!)],
        ],
        // DecodedPoint.value is already the peak height divided by g.
        peaks: [2 * a, 2 * a + 1].map((k) => round2(Math.min(5, Math.max(0, decoded.points[k]!.value)))),
      })),
      transform: face.transform,
      inverse: face.inverse,
    };
    if (withHeatmaps) result.heatmaps = await heatmapPngs(maps, H, K, aus, gain);
    return result;
  }
}

function roundBox(box: FaceResult['box']): FaceResult['box'] {
  return { x: round2(box.x), y: round2(box.y), width: round2(box.width), height: round2(box.height) };
}

/** Resizes to S×S (aligned-crop mode), stretching if the client's crop is not square. */
async function resizeTo(image: RgbImage, size: number): Promise<RgbImage> {
  if (image.width === size && image.height === size) return image;
  const data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(size, size, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: size, height: size, channels: 3 };
}

/** Per AU, the max over its two channels of an H×W×K map as a grey PNG (255 = intensity 5), base64. */
async function heatmapPngs(maps: Float32Array, H: number, K: number, aus: number[], gain: number): Promise<{ au: number; png: string }[]> {
  return Promise.all(aus.map(async (au, a) => {
    const grey = new Uint8Array(H * H);
    for (let p = 0; p < H * H; p++) {
      const v = Math.max(maps[p * K + 2 * a]!, maps[p * K + 2 * a + 1]!) / gain;
      grey[p] = Math.max(0, Math.min(255, Math.round((v / 5) * 255)));
    }
    const png = await sharp(grey, { raw: { width: H, height: H, channels: 1 } }).png().toBuffer();
    return { au, png: png.toString('base64') };
  }));
}
