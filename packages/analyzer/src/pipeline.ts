// The face-analysis pipeline, the same in Node and in browsers (no Node module here):
// detect → 68 landmarks (+ the quality check) → align exactly as in training (alignFace
// with the card's size and scheme) → one model call for every face crop of the batch →
// decode with the card's heatmap codec → AU points mapped back through the alignment inverse.
import * as tf from '@tensorflow/tfjs';
import { ALIGNMENT_TEMPLATE, alignFace, applyAffine, warpAffine, type Affine, type FaceDetector, type RgbImage } from '@g2rl/face/pure';
import { AU_CATALOGUE, LANDMARK_SCHEMES, codecFromCard, type HeatmapCodec } from '@g2rl/heatmaps';
import type { ModelCard } from '@g2rl/models/card';
import { AnalyzerError } from './errors.js';
import { DEFAULT_MIN_QUALITY, faceQuality, shiftConsistency, shiftedBox, templateFit, templateResidual } from './quality.js';
import type { AnalyzeOptions, FaceResult, ImageResult, Stage } from './types.js';

/** The settings of a pipeline after defaults. */
/** A decoded image, or a function that decodes it when the pipeline reaches it (throwing an AnalyzerError naming it if it cannot). */
export type LazyImage = RgbImage | (() => Promise<RgbImage>);

export interface PipelineSettings {
  /** At most this many face crops per model call. Default 32. */
  maxModelBatch: number;
  /** Default for `AnalyzeOptions.minQuality`. */
  minQuality: number;
  /** Default for `AnalyzeOptions.maxFaces`. */
  maxFaces: number;
}

/** A face whose landmarks passed the quality check. */
export interface CheckedFace {
  box: FaceResult['box'];
  detectorScore: number;
  quality: number;
  /** N×2 landmarks in the card's scheme, image px. */
  landmarks: Float32Array;
  /** The same face's 68×2 iBUG landmarks (what the tracker follows). */
  ibug68: Float32Array;
  /** The shift consistency that went into `quality` (measured, or the caller's from an earlier frame). */
  consistency: number;
  /** Index of the input box this face came from. */
  input: number;
}

/** A face waiting for the model: its aligned crop and what maps results back. */
interface PendingFace {
  image: number;
  crop: RgbImage;
  transform: number[];
  inverse: number[];
  box: FaceResult['box'];
  detectorScore: number | null;
  quality: number | null;
  landmarks: Float32Array | null;
  heatmaps: boolean;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());
const round2 = (v: number): number => Math.round(v * 100) / 100;
const round3 = (v: number): number => Math.round(v * 1000) / 1000;

export function emptyTimings(): Record<Stage, number> {
  return { decode: 0, detect: 0, landmarks: 0, align: 0, model: 0, postprocess: 0 };
}

/** Checks that a model card can be served by this pipeline (template, scheme); `where` names the file. */
export function checkServable(card: ModelCard, where: string): void {
  // Analysis must frame faces exactly as training did: a model made for another template
  // would see every face shifted or scaled, and its AU points would be wrong.
  if (card.alignment.template !== ALIGNMENT_TEMPLATE) {
    throw new AnalyzerError('invalid-model', `${where}: field "alignment.template" is ${JSON.stringify(card.alignment.template)}, but this analyzer aligns faces to ${JSON.stringify(ALIGNMENT_TEMPLATE)} (@g2rl/face); use the g2rl version that trained the model`);
  }
}

export class FacePipeline {
  readonly codec: HeatmapCodec;

  constructor(
    readonly model: tf.LayersModel,
    readonly card: ModelCard,
    readonly detector: FaceDetector | null,
    readonly settings: PipelineSettings,
  ) {
    this.codec = codecFromCard(card);
  }

  /** The first call of each kernel compiles or allocates: done once before the first image. */
  warmUp(): void {
    const S = this.codec.inputSize;
    tf.tidy(() => { this.model.predict(tf.zeros([1, S, S, 3])); });
  }

  /**
   * Analyses images; per image a result or the error that stopped it (bad input never
   * stops the batch). An image may be given as a function that decodes it: it is called
   * when the image's turn comes and its time is reported as `decode`, so a batch holds one
   * full-size decoded image at a time (then only its small aligned crops until the model
   * call). Holding them all made each batch's pixel buffers outlive the young generation:
   * every few batches a full mark-compact, ~15 ms of GC per image in the server.
   */
  async analyze(images: readonly LazyImage[], options: readonly AnalyzeOptions[]): Promise<(ImageResult | Error)[]> {
    const outcomes: (ImageResult | Error)[] = [];
    const pending: PendingFace[] = [];
    for (let i = 0; i < images.length; i++) {
      const t = emptyTimings();
      try {
        const source = images[i]!;
        const start = now();
        const image = typeof source === 'function' ? await source() : source;
        if (typeof source === 'function') t.decode = now() - start;
        const outcome: ImageResult = { width: image.width, height: image.height, faces: [], rejected: [], timings: t };
        outcomes.push(outcome);
        pending.push(...(await this.prepare(i, image, options[i] ?? {}, outcome)));
      } catch (error) {
        outcomes[i] = error as Error;
      }
    }
    const { modelMs, postMs } = await this.runModel(pending, outcomes);
    for (const outcome of outcomes) {
      if (outcome instanceof Error) continue;
      outcome.timings.model = modelMs;
      outcome.timings.postprocess = postMs;
      for (const k of Object.keys(outcome.timings) as Stage[]) outcome.timings[k] = round2(outcome.timings[k]);
    }
    return outcomes;
  }

  /** Detect, landmarks, quality and alignment for one image. */
  private async prepare(index: number, image: RgbImage, options: AnalyzeOptions, result: ImageResult): Promise<PendingFace[]> {
    const t = result.timings;
    const S = this.codec.inputSize;
    const heatmaps = options.heatmaps ?? false;
    const maxFaces = options.maxFaces ?? this.settings.maxFaces;
    if (!Number.isInteger(maxFaces) || maxFaces < 1) throw new AnalyzerError('invalid-option', `maxFaces must be a positive integer, got ${maxFaces}`);
    const minQuality = options.minQuality ?? this.settings.minQuality;
    if (!(minQuality >= 0 && minQuality <= 1)) throw new AnalyzerError('invalid-option', `minQuality must be in [0, 1], got ${minQuality}`);

    if (options.aligned && !options.landmarks) {
      const start = now();
      // Pixel centres onto pixel centres: x' = (x + 0.5)·S/w − 0.5.
      const sx = S / image.width;
      const sy = S / image.height;
      const transform: Affine = [sx, 0, 0.5 * sx - 0.5, 0, sy, 0.5 * sy - 0.5];
      const inverse: Affine = [1 / sx, 0, 0.5 / sx - 0.5, 0, 1 / sy, 0.5 / sy - 0.5];
      const crop = image.width === S && image.height === S ? image : warpAffine(image, transform, S, { border: 'replicate' });
      t.align = now() - start;
      return [{ image: index, crop, transform, inverse, box: { x: 0, y: 0, width: image.width, height: image.height }, detectorScore: null, quality: null, landmarks: null, heatmaps }];
    }

    let found: { box: FaceResult['box']; detectorScore: number | null; quality: number | null; landmarks: Float32Array }[];
    if (options.landmarks) {
      const landmarks = this.callerLandmarks(options.landmarks);
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (let i = 0; i < landmarks.length; i += 2) {
        x0 = Math.min(x0, landmarks[i]!); x1 = Math.max(x1, landmarks[i]!);
        y0 = Math.min(y0, landmarks[i + 1]!); y1 = Math.max(y1, landmarks[i + 1]!);
      }
      found = [{ box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, detectorScore: null, quality: null, landmarks }];
    } else {
      let start = now();
      const boxes = await this.detectBoxes(image, maxFaces);
      t.detect = now() - start;
      start = now();
      const checked = await this.checkFaces(image, boxes, minQuality);
      t.landmarks = now() - start;
      found = checked.faces;
      result.rejected.push(...checked.rejected);
      if (found.length === 0) {
        const why = result.rejected.length > 0
          ? `${result.rejected.length} candidate(s) scored below minQuality ${minQuality} (best quality ${Math.max(...result.rejected.map((r) => r.quality))}): not a face`
          : `no face with detector score ≥ ${this.detector!.options.minConfidence}`;
        throw new AnalyzerError('no-face', `${why} in the ${image.width}×${image.height} image; send a photo with a visible face, or an aligned crop`);
      }
    }

    const start = now();
    const faces = found.map((f): PendingFace => {
      const aligned = alignFace(image, f.landmarks, { size: S, scheme: this.card.scheme });
      return { image: index, crop: aligned.image, transform: Array.from(aligned.transform), inverse: Array.from(aligned.inverse), box: f.box, detectorScore: f.detectorScore, quality: f.quality, landmarks: f.landmarks, heatmaps };
    });
    t.align = now() - start;
    return faces;
  }

  /** The detector's boxes for `image`, highest score first, at most `maxFaces`. */
  async detectBoxes(image: RgbImage, maxFaces: number): Promise<{ box: FaceResult['box']; score: number }[]> {
    if (!this.detector) throw new AnalyzerError('invalid-option', 'this analyzer has no face detector; pass landmarks or aligned crops');
    return (await this.detector.detectBoxes(image)).slice(0, maxFaces);
  }

  /**
   * Landmarks and quality for faces in given boxes (detected, or tracked from the previous
   * frame): one landmark pass over the boxes and their shifted copies (the quality check).
   * With `knownConsistency` (one value per box, e.g. a tracked face's from a recent frame) the
   * shifted pass is skipped and those values go into the quality instead: half the landmark work.
   * `faces` keep their input order; those below `minQuality` go to `rejected`.
   */
  async checkFaces(image: RgbImage, boxes: readonly { box: FaceResult['box']; score: number }[], minQuality: number, knownConsistency?: readonly number[]): Promise<{ faces: CheckedFace[]; rejected: ImageResult['rejected'] }> {
    if (!this.detector) throw new AnalyzerError('invalid-option', 'this analyzer has no face detector; pass landmarks or aligned crops');
    if (knownConsistency && knownConsistency.length !== boxes.length) throw new AnalyzerError('invalid-option', `checkFaces: ${knownConsistency.length} consistency values for ${boxes.length} boxes`);
    const shifted = knownConsistency ? [] : boxes.map((b) => shiftedBox(b.box));
    const all = await this.detector.detectLandmarks(image, [...boxes.map((b) => b.box), ...shifted]);
    const faces: CheckedFace[] = [];
    const rejected: ImageResult['rejected'] = [];
    boxes.forEach((b, i) => {
      const ibug = all[i]!;
      const consistency = knownConsistency ? knownConsistency[i]! : shiftConsistency(ibug, all[boxes.length + i]!, b.box);
      const fit = templateFit(templateResidual(ibug, 'ibug68'));
      const quality = round3(faceQuality(b.score, consistency, fit));
      if (quality < minQuality) rejected.push({ box: roundBox(b.box), detectorScore: round3(b.score), quality });
      else faces.push({ box: b.box, detectorScore: b.score, quality, landmarks: this.toCardScheme(ibug), ibug68: ibug, input: i, consistency });
    });
    return { faces, rejected };
  }

  /** The caller's landmarks as the card's scheme: its N points, or iBUG-68 mapped through toIbug68. */
  private callerLandmarks(input: NonNullable<AnalyzeOptions['landmarks']>): Float32Array {
    const flat = Float32Array.from(typeof (input as ArrayLike<unknown>)[0] === 'object' ? (input as readonly (readonly number[])[]).flat() : (input as ArrayLike<number>));
    const n = LANDMARK_SCHEMES[this.card.scheme].size;
    if (flat.length === 2 * n) return flat;
    if (flat.length === 136) return this.toCardScheme(flat);
    throw new AnalyzerError('invalid-option', `landmarks: expected ${n} points (scheme ${this.card.scheme}) or 68 (iBUG-68), got ${flat.length / 2}`);
  }

  /** iBUG-68 landmarks (68×2) as the card's scheme (N×2, via toIbug68). */
  private toCardScheme(ibug68: Float32Array): Float32Array {
    if (this.card.scheme === 'ibug68') return ibug68;
    const { toIbug68 } = LANDMARK_SCHEMES[this.card.scheme];
    const out = new Float32Array(toIbug68.length * 2);
    toIbug68.forEach((ibug, i) => { out[2 * i] = ibug68[2 * ibug]!; out[2 * i + 1] = ibug68[2 * ibug + 1]!; });
    return out;
  }

  /** One model call per chunk of ≤ maxModelBatch crops; the faces land in their images' results. */
  private async runModel(pending: PendingFace[], outcomes: (ImageResult | Error)[]): Promise<{ modelMs: number; postMs: number }> {
    let modelMs = 0;
    let postMs = 0;
    const S = this.codec.inputSize;
    const perCrop = this.codec.heatmapSize * this.codec.heatmapSize * this.codec.channels;
    for (let from = 0; from < pending.length; from += this.settings.maxModelBatch) {
      const chunk = pending.slice(from, from + this.settings.maxModelBatch);
      let start = now();
      const input = new Float32Array(chunk.length * S * S * 3);
      chunk.forEach((face, b) => {
        const offset = b * S * S * 3;
        for (let i = 0; i < S * S * 3; i++) input[offset + i] = face.crop.data[i]! / 255;
      });
      const heatmaps = tf.tidy(() => this.model.predict(tf.tensor4d(input, [chunk.length, S, S, 3])) as tf.Tensor);
      const data = (await heatmaps.data()) as Float32Array;
      heatmaps.dispose();
      modelMs += now() - start;
      start = now();
      chunk.forEach((face, b) => {
        const outcome = outcomes[face.image];
        if (outcome instanceof Error || outcome === undefined) return;
        outcome.faces.push(this.describeFace(face, data.subarray(b * perCrop, (b + 1) * perCrop)));
      });
      postMs += now() - start;
    }
    return { modelMs, postMs };
  }

  private describeFace(face: PendingFace, maps: Float32Array): FaceResult {
    const { aus } = this.card;
    const decoded = this.codec.decode(maps);
    const imagePoints = applyAffine(face.inverse as Affine, decoded.cropPoints);
    const result: FaceResult = {
      box: roundBox(face.box),
      detectorScore: face.detectorScore === null ? null : round3(face.detectorScore),
      quality: face.quality,
      landmarks: face.landmarks ? pairs(face.landmarks) : null,
      aus: aus.map((au, a) => ({
        au,
        name: AU_CATALOGUE.find((c) => c.au === au)?.name ?? `AU${au}`,
        intensity: round2(decoded.intensities[a]!),
        points: [
          [round2(imagePoints[4 * a]!), round2(imagePoints[4 * a + 1]!)],
          [round2(imagePoints[4 * a + 2]!), round2(imagePoints[4 * a + 3]!)],
        ],
        peaks: [2 * a, 2 * a + 1].map((k) => round2(Math.min(5, Math.max(0, decoded.points[k]!.value)))),
      })),
      transform: face.transform,
      inverse: face.inverse,
    };
    if (face.heatmaps) {
      result.heatmaps = aus.map((au, a) => ({ au, size: this.codec.heatmapSize, values: this.codec.intensityImage(maps, a) }));
    }
    return result;
  }
}

function roundBox(box: FaceResult['box']): FaceResult['box'] {
  return { x: round2(box.x), y: round2(box.y), width: round2(box.width), height: round2(box.height) };
}

function pairs(flat: ArrayLike<number>): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([round2(flat[i]!), round2(flat[i + 1]!)]);
  return out;
}

export { DEFAULT_MIN_QUALITY };
