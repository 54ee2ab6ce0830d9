import * as tf from '@tensorflow/tfjs';
import { seedStream } from '../seeds.js';
import { type BlockContext, basicBlock, bottleneckBlock, convBnRelu, upsampleBlock, add, conv } from './blocks.js';
import { type BackboneConfig, type BackbonePreset, resolveBackboneConfig } from './config.js';

/** Options of {@link createBackbone}. */
export interface BackboneOptions {
  /** K: heatmap channels (2 per AU; 24 for DISFA's 12 AUs) */
  keypoints: number;
  /** seed of every initializer (default 0): the same seed gives the same weights */
  seed?: number;
  /**
   * Batch norms as @g2rl/models' BatchNormRelu layers (ReLU off; default false): the same
   * weights, names and results, but training runs one fused kernel each way where the backend
   * has them (native, wasm). What G2RLTrainer trains; `exportInferenceModel` writes plain
   * batch norms either way.
   */
  fusedBatchNorm?: boolean;
}

/** Names of the two outputs, also the names of the layers that produce them. */
export const FEATURES_OUTPUT = 'features';
export const HEATMAPS_OUTPUT = 'heatmaps';

/**
 * Builds a heatmap-regression backbone (docs/method.md §2) from a preset name or a config.
 *
 * Input `B×S×S×3` (RGB in [0, 1]); outputs `[M: B×H×W×C, heatmaps: B×H×W×K]` with
 * `H = W = S/4`; `C` is the last decoder width (64 for 'small', 256 for 'paper'). The
 * heatmap head is a linear 1×1 convolution on M. Only built-in tfjs layers are used.
 */
export function createBackbone(preset: BackbonePreset | BackboneConfig, options: BackboneOptions): tf.LayersModel {
  const config = resolveBackboneConfig(preset);
  const keypoints = options?.keypoints;
  if (!Number.isInteger(keypoints) || keypoints <= 0) {
    throw new Error(`createBackbone(options.keypoints): expected a positive integer K, got ${String(keypoints)}`);
  }
  const seeds = seedStream(options.seed ?? 0);
  const ctx: BlockContext = { seeds, fusedBatchNorm: options.fusedBatchNorm ?? false };
  const size = config.inputSize;
  const input = tf.input({ shape: [size, size, 3], name: 'image' });

  let x = convBnRelu(input, 'stem', ctx, {
    filters: config.stem.filters,
    kernelSize: config.stem.kernelSize,
    strides: config.stem.stride,
  });
  if (config.stem.maxPool) {
    x = tf.layers.maxPooling2d({ name: 'stem_pool', poolSize: 3, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  }

  // The deepest encoder output at each resolution, for the decoder's skips.
  const encoderBySize = new Map<number, tf.SymbolicTensor>();
  const block = config.block === 'basic' ? basicBlock : bottleneckBlock;
  config.stages.forEach((stage, s) => {
    for (let b = 0; b < stage.blocks; b++) {
      x = block(x, `enc${s + 1}_block${b + 1}`, ctx, stage.filters, b === 0 ? stage.stride : 1);
    }
    encoderBySize.set(x.shape[1] as number, x);
  });

  config.decoder.filters.forEach((filters, i) => {
    const level = config.decoder.filters.length - i;
    const name = `dec${level}`;
    x = upsampleBlock(x, name, ctx, filters, config.decoder.upsampling);
    const skip = config.decoder.skips ? encoderBySize.get(x.shape[1] as number) : undefined;
    if (skip) {
      const projected =
        skip.shape[3] === filters ? skip : conv(skip, `${name}_skip_conv`, ctx, { filters, kernelSize: 1, useBias: true });
      x = add([x, projected], `${name}_add`);
    }
  });

  // A linear identity layer gives M a stable name whatever the decoder ends with.
  const features = tf.layers.activation({ name: FEATURES_OUTPUT, activation: 'linear' }).apply(x) as tf.SymbolicTensor;
  const heatmaps = tf.layers
    .conv2d({
      name: HEATMAPS_OUTPUT,
      filters: keypoints,
      kernelSize: 1,
      padding: 'same',
      useBias: true,
      // Near-zero start: target heatmaps are ~99 % zeros, and a Glorot-initialised head
      // starts with noise of rms ≈ 0.3 on every pixel, 20× the loss of predicting all
      // zeros; training then spends its first epochs suppressing that noise before it
      // learns any peak. A tiny head makes the first steps learn the peaks.
      kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 1e-3, seed: seeds() }),
      biasInitializer: 'zeros',
    })
    .apply(features) as tf.SymbolicTensor;

  return tf.model({ inputs: input, outputs: [features, heatmaps], name: `g2rl_backbone_${config.name}` });
}
