// The server's side of @g2rl/analyzer, inside the inference worker: jobs (encoded bytes and
// query options) in, the API's JSON out. The pipeline itself (decode → detect → landmarks →
// quality → align → model → decode) is @g2rl/analyzer's; this file maps its results onto
// the server's wire format (`score`, PNG heatmaps) and its errors onto problem kinds.
import sharp from 'sharp';
import { AnalyzerError, createAnalyzer, type Analyzer as PipelineAnalyzer, type FaceResult as PipelineFace, type NodeInput } from '@g2rl/analyzer';
import type { DetectorKind } from '@g2rl/face';
import type { ModelCard } from '@g2rl/models/card';
import type { AnalyzeJob, FaceResult, ImageResult, JobOutcome } from './analysis-types.js';
import { loadServedModel } from './model-loader.js';
import { ProblemError, problemBody, type ProblemKind } from './problem.js';

export interface AnalyzerOptions {
  modelDir: string;
  /** Refuse images with more pixels than this (header check before decoding). */
  maxPixels: number;
  /** At most this many face crops per model call. */
  maxModelBatch: number;
  detector: DetectorKind;
  minConfidence: number;
  /** Faces below this quality are not-a-face (default @g2rl/analyzer's). */
  minQuality?: number;
  backend?: string;
}

const KINDS: Record<string, ProblemKind> = { 'invalid-image': 'invalid-image', 'image-too-large': 'image-too-large', 'no-face': 'no-face', 'invalid-option': 'bad-request' };

export class Analyzer {
  private constructor(
    private readonly pipeline: PipelineAnalyzer<NodeInput>,
    readonly card: ModelCard,
    readonly options: AnalyzerOptions,
  ) {}

  /** Loads the exported model (folder and card checks: model-loader.ts), the detector and the backend. */
  static async create(options: AnalyzerOptions): Promise<Analyzer> {
    const { model, card } = await loadServedModel(options.modelDir);
    try {
      const pipeline = await createAnalyzer({
        model: { model, card },
        detector: options.detector,
        minConfidence: options.minConfidence,
        minQuality: options.minQuality,
        maxPixels: options.maxPixels,
        maxModelBatch: options.maxModelBatch,
        maxFaces: 32,
        backend: options.backend as never,
      });
      return new Analyzer(pipeline, card, options);
    } catch (error) {
      model.dispose();
      if (error instanceof AnalyzerError) throw new Error(error.message.replace('model card:', `${options.modelDir}/model-card.json:`));
      throw error;
    }
  }

  /** Analyses a batch of images; one outcome (result or problem) per job, same order. */
  async analyzeBatch(jobs: AnalyzeJob[]): Promise<{ outcomes: JobOutcome[]; modelBatchSizes: number[] }> {
    const results = await this.pipeline.analyzeBatch(
      jobs.map((job) => job.bytes),
      jobs.map((job) => ({ aligned: job.aligned, landmarks: job.landmarks, heatmaps: job.heatmaps, maxFaces: job.maxFaces })),
    );
    let faces = 0;
    const outcomes = await Promise.all(results.map(async (result, i): Promise<JobOutcome> => {
      const id = jobs[i]!.id;
      if (result instanceof Error) {
        const kind = result instanceof AnalyzerError ? KINDS[result.code] : undefined;
        const detail = result.message.replace(/^image bytes: /, '');
        return { id, ok: false, problem: kind ? new ProblemError(kind, detail).toBody() : problemBody('internal', `analysis failed: ${detail}`) };
      }
      faces += result.faces.length;
      const body: ImageResult = { width: result.width, height: result.height, faces: await Promise.all(result.faces.map(toWire)), timings: result.timings };
      return { id, ok: true, result: body };
    }));
    const modelBatchSizes: number[] = [];
    for (let left = faces; left > 0; left -= this.options.maxModelBatch) modelBatchSizes.push(Math.min(left, this.options.maxModelBatch));
    return { outcomes, modelBatchSizes };
  }

  dispose(): void {
    this.pipeline.dispose();
  }
}

/** The analyzer's face as the API returns it (`score`, heatmaps as grey PNGs, 255 = intensity 5). */
async function toWire(face: PipelineFace): Promise<FaceResult> {
  const { detectorScore, heatmaps, ...rest } = face;
  const out: FaceResult = { ...rest, score: detectorScore };
  if (heatmaps) {
    out.heatmaps = await Promise.all(heatmaps.map(async ({ au, size, values }) => {
      const grey = Uint8Array.from(values, (v) => Math.round((v / 5) * 255));
      const png = await sharp(grey, { raw: { width: size, height: size, channels: 1 } }).png().toBuffer();
      return { au, png: png.toString('base64') };
    }));
  }
  return out;
}
