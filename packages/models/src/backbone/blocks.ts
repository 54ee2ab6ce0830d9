import * as tf from '@tensorflow/tfjs';
import type { SeedStream } from '../seeds.js';
import { BatchNormRelu } from './batch-norm-relu.js';

/**
 * Building blocks of the backbones, on tfjs symbolic tensors (functional API). Only
 * built-in layer classes are used, so an exported backbone loads with plain
 * `tf.loadLayersModel` and no g2rl code — except, when asked, @g2rl/models' BatchNormRelu
 * (ReLU off) in place of each batch norm: the same maths, one fused kernel each way in
 * training on backends that have them; `exportInferenceModel` writes it as a plain batch norm.
 */

type Symbolic = tf.SymbolicTensor;

/** What every block is built with: the seeds of its initialisers, and the batch norm's kind. */
export interface BlockContext {
  seeds: SeedStream;
  /** BatchNormRelu (ReLU off) layers instead of tf.layers.batchNormalization */
  fusedBatchNorm: boolean;
}

/** Convolution with a seeded He-normal kernel; no bias when a batch norm follows. */
export function conv(
  x: Symbolic,
  name: string,
  ctx: BlockContext,
  options: { filters: number; kernelSize: number; strides?: number; useBias?: boolean },
): Symbolic {
  return tf.layers
    .conv2d({
      name,
      filters: options.filters,
      kernelSize: options.kernelSize,
      strides: options.strides ?? 1,
      padding: 'same',
      useBias: options.useBias ?? false,
      kernelInitializer: tf.initializers.heNormal({ seed: ctx.seeds() }),
    })
    .apply(x) as Symbolic;
}

/** Batch normalisation with PyTorch's defaults (momentum 0.1 ⇔ tfjs 0.9, ε = 1e-5). */
export function batchNorm(x: Symbolic, name: string, ctx: BlockContext): Symbolic {
  const options = { name, momentum: 0.9, epsilon: 1e-5 };
  const layer = ctx.fusedBatchNorm ? new BatchNormRelu({ ...options, relu: false }) : tf.layers.batchNormalization(options);
  return layer.apply(x) as Symbolic;
}

export function relu(x: Symbolic, name: string): Symbolic {
  return tf.layers.reLU({ name }).apply(x) as Symbolic;
}

export function add(inputs: Symbolic[], name: string): Symbolic {
  return tf.layers.add({ name }).apply(inputs) as Symbolic;
}

/** Conv → BN → ReLU. */
export function convBnRelu(
  x: Symbolic,
  name: string,
  ctx: BlockContext,
  options: { filters: number; kernelSize: number; strides?: number },
): Symbolic {
  return relu(batchNorm(conv(x, `${name}_conv`, ctx, options), `${name}_bn`, ctx), `${name}_relu`);
}

/**
 * Basic residual block (ResNet-18/34): Conv3×3/s → BN → ReLU → Conv3×3 → BN, plus a
 * shortcut (Conv1×1/s → BN when the shape changes, identity otherwise), Add, ReLU.
 * Input B×h×w×c → output B×(h/s)×(w/s)×filters.
 */
export function basicBlock(x: Symbolic, name: string, ctx: BlockContext, filters: number, stride: number): Symbolic {
  const inChannels = x.shape[3] as number;
  let y = convBnRelu(x, `${name}_a`, ctx, { filters, kernelSize: 3, strides: stride });
  y = batchNorm(conv(y, `${name}_b_conv`, ctx, { filters, kernelSize: 3 }), `${name}_b_bn`, ctx);
  const shortcut =
    stride === 1 && inChannels === filters
      ? x
      : batchNorm(conv(x, `${name}_short_conv`, ctx, { filters, kernelSize: 1, strides: stride }), `${name}_short_bn`, ctx);
  return relu(add([y, shortcut], `${name}_add`), `${name}_out`);
}

/**
 * Bottleneck residual block (ResNet-50): Conv1×1(f) → BN → ReLU → Conv3×3/s(f) → BN → ReLU →
 * Conv1×1(4f) → BN, shortcut Conv1×1/s(4f) → BN when the shape changes, Add, ReLU.
 * Input B×h×w×c → output B×(h/s)×(w/s)×4f.
 */
export function bottleneckBlock(x: Symbolic, name: string, ctx: BlockContext, filters: number, stride: number): Symbolic {
  const inChannels = x.shape[3] as number;
  const outChannels = 4 * filters;
  let y = convBnRelu(x, `${name}_a`, ctx, { filters, kernelSize: 1 });
  y = convBnRelu(y, `${name}_b`, ctx, { filters, kernelSize: 3, strides: stride });
  y = batchNorm(conv(y, `${name}_c_conv`, ctx, { filters: outChannels, kernelSize: 1 }), `${name}_c_bn`, ctx);
  const shortcut =
    stride === 1 && inChannels === outChannels
      ? x
      : batchNorm(
          conv(x, `${name}_short_conv`, ctx, { filters: outChannels, kernelSize: 1, strides: stride }),
          `${name}_short_bn`,
          ctx,
        );
  return relu(add([y, shortcut], `${name}_add`), `${name}_out`);
}

/**
 * One decoder step: ×2 upsampling then BN → ReLU. 'nearest': UpSampling2D → Conv3×3;
 * 'deconv': Conv2DTranspose 4×4 stride 2. Input B×h×w×c → B×2h×2w×filters.
 */
export function upsampleBlock(
  x: Symbolic,
  name: string,
  ctx: BlockContext,
  filters: number,
  mode: 'nearest' | 'deconv',
): Symbolic {
  if (mode === 'nearest') {
    const up = tf.layers.upSampling2d({ name: `${name}_up`, size: [2, 2], interpolation: 'nearest' }).apply(x) as Symbolic;
    return convBnRelu(up, name, ctx, { filters, kernelSize: 3 });
  }
  const deconv = tf.layers
    .conv2dTranspose({
      name: `${name}_deconv`,
      filters,
      kernelSize: 4,
      strides: 2,
      padding: 'same',
      useBias: false,
      kernelInitializer: tf.initializers.heNormal({ seed: ctx.seeds() }),
    })
    .apply(x) as Symbolic;
  return relu(batchNorm(deconv, `${name}_bn`, ctx), `${name}_relu`);
}
