import type * as tf from '@tensorflow/tfjs';

/** Parameters and forward FLOPs of one layer (per image). */
export interface LayerCost {
  name: string;
  className: string;
  params: number;
  flops: number;
}

/** What {@link modelCost} returns. */
export interface ModelCost {
  /** all weights, trainable and not (batch-norm moving statistics included) */
  params: number;
  trainableParams: number;
  /** forward FLOPs per image; a multiply-add counts as 2 */
  flops: number;
  /** rough training-step FLOPs per image: forward + backward ≈ 3 × forward */
  trainingFlops: number;
  layers: LayerCost[];
}

const product = (dims: readonly (number | null)[]) => dims.reduce<number>((p, d) => p * (d ?? 1), 1);

/**
 * Counts parameters and forward FLOPs per image of a tfjs LayersModel, layer by layer,
 * from each layer's config and shapes (so it follows any preset or custom config).
 * Conventions: a multiply-add is 2 FLOPs; convolution and dense count their products and
 * bias additions; batch norm 2 per element (scale and shift at inference); ReLU and Add 1
 * per element; max pooling `k²` per output element; upsampling, reshapes and linear
 * activations 0. Layers the function does not know count 0 FLOPs (their parameters are
 * still counted).
 */
export function modelCost(model: tf.LayersModel): ModelCost {
  const layers: LayerCost[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    const params = layer.countParams();
    const config = layer.getConfig() as Record<string, unknown>;
    const inputs = ([] as tf.SymbolicTensor[]).concat(layer.input);
    const outShape = ([] as tf.SymbolicTensor[]).concat(layer.output)[0].shape;
    const inShape = inputs[0].shape;
    const outElements = product(outShape.slice(1));
    const useBias = config.useBias !== false;
    let flops = 0;
    switch (className) {
      case 'Conv2D':
      case 'Conv1D': {
        const kernel = config.kernelSize as number[];
        const inChannels = inShape[inShape.length - 1] as number;
        flops = 2 * outElements * product(kernel) * inChannels + (useBias ? outElements : 0);
        break;
      }
      case 'Conv2DTranspose': {
        const kernel = config.kernelSize as number[];
        const inElements = product(inShape.slice(1));
        const outChannels = config.filters as number;
        flops = 2 * inElements * product(kernel) * outChannels + (useBias ? outElements : 0);
        break;
      }
      case 'Dense': {
        const inFeatures = inShape[inShape.length - 1] as number;
        flops = 2 * outElements * inFeatures + (useBias ? outElements : 0);
        break;
      }
      case 'BatchNormalization':
        flops = 2 * outElements;
        break;
      case 'ReLU':
        flops = outElements;
        break;
      case 'Activation':
        flops = config.activation === 'linear' ? 0 : outElements;
        break;
      case 'Add': {
        flops = (inputs.length - 1) * outElements;
        break;
      }
      case 'MaxPooling2D':
        flops = outElements * product(config.poolSize as number[]);
        break;
      default:
        flops = 0;
    }
    layers.push({ name: layer.name, className, params, flops });
  }
  const flops = layers.reduce((s, l) => s + l.flops, 0);
  const trainableParams = model.trainableWeights.reduce((s, w) => s + product(w.shape), 0);
  return {
    params: layers.reduce((s, l) => s + l.params, 0),
    trainableParams,
    flops,
    trainingFlops: 3 * flops,
    layers,
  };
}
