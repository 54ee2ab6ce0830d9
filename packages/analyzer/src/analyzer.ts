// The Analyzer object shared by both entry points: a FacePipeline plus an input decoder
// (sharp and file paths in Node, canvas in browsers).
import type { RgbImage } from '@g2rl/face/pure';
import type { ModelCard } from '@g2rl/models/card';
import type { FacePipeline } from './pipeline.js';
import type { AnalyzeOptions, ImageResult } from './types.js';

/** Turns one input into an RgbImage; throws an AnalyzerError naming it when it cannot. */
export type InputDecoder<Input> = (input: Input) => Promise<RgbImage>;

export interface Analyzer<Input> {
  /** The model card of the model in use (AUs, scheme, input and heatmap sizes, metrics). */
  readonly card: ModelCard;
  /** The tfjs backend the analyzer runs on. */
  readonly backend: string;
  /** One image → its faces. Throws (an AnalyzerError for bad input) instead of returning an error. */
  analyze(input: Input, options?: AnalyzeOptions): Promise<ImageResult>;
  /** Many images with one model call per chunk of faces; a bad image gives its Error in its slot, never stops the rest. */
  analyzeBatch(inputs: readonly Input[], options?: AnalyzeOptions | readonly AnalyzeOptions[]): Promise<(ImageResult | Error)[]>;
  /** Frees the model's weights (the detector's nets are shared by the process and stay loaded). */
  dispose(): void;
}


/** An Analyzer over a pipeline and a decoder. */
export function makeAnalyzer<Input>(pipeline: FacePipeline, decode: InputDecoder<Input>, backend: string): Analyzer<Input> {
  let disposed = false;
  const analyzeBatch = async (inputs: readonly Input[], options: AnalyzeOptions | readonly AnalyzeOptions[] = {}) => {
    if (disposed) throw new Error('Analyzer: used after dispose()');
    const perInput = Array.isArray(options) ? options : inputs.map(() => options as AnalyzeOptions);
    if (perInput.length !== inputs.length) throw new Error(`analyzeBatch: ${perInput.length} option objects for ${inputs.length} inputs`);
    // Each input is decoded when the pipeline reaches it, not all up front (see FacePipeline.analyze).
    return pipeline.analyze(inputs.map((input) => () => decode(input)), perInput);
  };
  return {
    card: pipeline.card,
    backend,
    analyzeBatch,
    async analyze(input, options = {}) {
      const [result] = await analyzeBatch([input], [options]);
      if (result instanceof Error) throw result;
      return result!;
    },
    dispose() {
      if (!disposed) pipeline.model.dispose();
      disposed = true;
    },
  };
}
