import * as tf from '@tensorflow/tfjs';

/** Arguments of {@link GCNLayer} (plus the usual layer args: name, trainable, …). */
export interface GCNLayerArgs {
  /** U: output features per node */
  units: number;
  /** 'relu' (default, docs/method.md §3) or 'linear' */
  activation?: 'relu' | 'linear';
  /** add a bias per output feature (default false: the formula has none) */
  useBias?: boolean;
  /** seed of the Glorot-uniform kernel initializer (default 0) */
  seed?: number;
  name?: string;
  trainable?: boolean;
}

/**
 * Dense graph convolution (Kipf & Welling, ICLR 2017), on a batch of graphs whose
 * normalised adjacency is given as a second input:
 *
 * ```
 * F' = ReLU(Â · F · W)      Â: B×N×N, F: B×N×F, W: F×U  →  F': B×N×U
 * ```
 *
 * `Â` is usually `gcnAdjacencyTensor(F⁰)` (= D^-1/2 (A + I) D^-1/2 of a Gaussian k-NN graph);
 * the layer does not normalise it, so any graph can be used. Inputs: `[F, Â]`.
 */
export class GCNLayer extends tf.layers.Layer {
  static className = 'G2rlGCN';
  readonly units: number;
  readonly activation: 'relu' | 'linear';
  readonly useBias: boolean;
  readonly seed: number;
  private kernel: tf.LayerVariable | null = null;
  private bias: tf.LayerVariable | null = null;

  constructor(args: GCNLayerArgs) {
    super({ name: args.name, trainable: args.trainable });
    if (!Number.isInteger(args.units) || args.units <= 0) {
      throw new RangeError(`GCNLayer(units): expected a positive integer, got ${String(args.units)}`);
    }
    const activation = args.activation ?? 'relu';
    if (activation !== 'relu' && activation !== 'linear') {
      throw new RangeError(`GCNLayer(activation): expected 'relu' or 'linear', got ${String(activation)}`);
    }
    this.units = args.units;
    this.activation = activation;
    this.useBias = args.useBias ?? false;
    this.seed = args.seed ?? 0;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const [featureShape, adjacencyShape] = GCNLayer.splitShapes(inputShape);
    const inFeatures = featureShape[2];
    if (inFeatures == null) throw new Error(`GCNLayer ${this.name}: the feature width (last axis of F) must be known`);
    if (adjacencyShape[1] != null && featureShape[1] != null && adjacencyShape[1] !== featureShape[1]) {
      throw new Error(`GCNLayer ${this.name}: Â is ${adjacencyShape[1]}×${adjacencyShape[2]} but F has ${featureShape[1]} nodes`);
    }
    this.kernel = this.addWeight(
      'kernel',
      [inFeatures, this.units],
      'float32',
      tf.initializers.glorotUniform({ seed: this.seed }),
    );
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [featureShape] = GCNLayer.splitShapes(inputShape);
    return [featureShape[0], featureShape[1], this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      if (!Array.isArray(inputs) || inputs.length !== 2) {
        throw new Error(`GCNLayer ${this.name}: expected two inputs [F B×N×F, Â B×N×N]`);
      }
      const [features, adjacency] = inputs;
      const [batch, nodes, inFeatures] = features.shape;
      // F·W as one 2-D matMul over all B·N nodes, then the batched Â·(FW).
      const projected = tf.reshape(
        tf.matMul(tf.reshape(features, [batch * nodes, inFeatures]), this.kernel!.read()),
        [batch, nodes, this.units],
      );
      let out = tf.matMul(adjacency as tf.Tensor3D, projected as tf.Tensor3D);
      if (this.bias) out = tf.add(out, this.bias.read());
      return this.activation === 'relu' ? tf.relu(out) : out;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, activation: this.activation, useBias: this.useBias, seed: this.seed };
  }

  private static splitShapes(inputShape: tf.Shape | tf.Shape[]): [tf.Shape, tf.Shape] {
    if (!Array.isArray(inputShape[0]) || inputShape.length !== 2) {
      throw new Error('GCNLayer: expected two inputs [F B×N×F, Â B×N×N]');
    }
    const [featureShape, adjacencyShape] = inputShape as tf.Shape[];
    if (featureShape.length !== 3 || adjacencyShape.length !== 3) {
      throw new Error(
        `GCNLayer: expected F B×N×F and Â B×N×N, got [${featureShape.join(', ')}] and [${adjacencyShape.join(', ')}]`,
      );
    }
    return [featureShape, adjacencyShape];
  }
}
tf.serialization.registerClass(GCNLayer);
