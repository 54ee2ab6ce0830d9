import * as tf from '@tensorflow/tfjs';
import { readAdjacencyOptions, type AdjacencyOptions, type TauMode } from '@g2rl/graph';
import { gcnAdjacencyTensor } from './adjacency-tensor.js';

/** Arguments of {@link EuclideanAdjacencyLayer}. */
export interface EuclideanAdjacencyLayerArgs extends AdjacencyOptions {
  name?: string;
}

/**
 * A weightless layer that turns node features `B×N×F` into the GCN-normalised Gaussian
 * k-NN adjacency `Â = D^-1/2 (A + I) D^-1/2` (`B×N×N`), so that a graph can be built
 * inside a functional model (Â⁰ from the coordinates, or a dynamic Â from hidden features).
 */
export class EuclideanAdjacencyLayer extends tf.layers.Layer {
  static className = 'G2rlEuclideanAdjacency';
  readonly k: number;
  readonly tau: number;
  readonly tauMode: TauMode;

  constructor(args: EuclideanAdjacencyLayerArgs = {}) {
    super({ name: args.name, trainable: false });
    // k = Infinity ("every other node") becomes null in a JSON config; read it back as such.
    const fromJson = (args as { k?: number | null }).k === null ? { ...args, k: Infinity } : args;
    const { k, tau, tauMode } = readAdjacencyOptions(fromJson, 'EuclideanAdjacencyLayer');
    this.k = k;
    this.tau = tau;
    this.tauMode = tauMode;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [shape[0], shape[1], shape[1]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const features = Array.isArray(inputs) ? inputs[0] : inputs;
      return gcnAdjacencyTensor(features, { k: this.k, tau: this.tau, tauMode: this.tauMode });
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), k: this.k, tau: this.tau, tauMode: this.tauMode };
  }
}
tf.serialization.registerClass(EuclideanAdjacencyLayer);
