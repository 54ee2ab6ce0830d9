import * as tf from '@tensorflow/tfjs';

/**
 * For inference only: the same function as `model` with every `Conv2D → BatchNormalization`
 * pair (and a `ReLU` right after it) merged into one `Conv2D`, the way inference engines fold
 * batch norm. At inference a batch norm is a fixed per-channel affine map, so with
 * `s = γ / √(σ² + ε)` per output channel o:
 *
 *   W'[…, o] = W[…, o] · s[o],   b'[o] = β[o] + (b[o] − μ[o]) · s[o]   (b = 0 without a bias)
 *
 * and a following ReLU becomes the convolution's activation (one fused kernel). The `small`
 * backbone goes from 43 layers to 25 (its 12 batch norms and the 6 ReLUs that follow one) and
 * a batch-1 pass from 76 kernels to 46 (native bf16: 3.2 → 2.6 ms best, measured beside the
 * unfolded model; bench/native.bench.mjs times both against PyTorch).
 *
 * Folded: a `Conv2D` (channels-last, linear activation) whose only consumer is a
 * `BatchNormalization` over the last axis (or @g2rl/models' `BatchNormRelu`, its ReLU included)
 * and whose output is not a model output; the ReLU is fused when it is a plain `ReLU` layer
 * (no `maxValue`) and the batch norm's only consumer, and the batch norm's output is not a
 * model output. Every other layer is rebuilt from its config with a copy of its weights. The
 * scale and bias are computed in float64 and rounded once, so outputs match the original to
 * float32 rounding (≈ 1e-6 relative in fp32; bf16 convolutions round the folded weights anew).
 *
 * @param model a functional LayersModel in which no layer is applied twice; not modified (the
 *   caller may dispose it)
 * @returns a new model with its own weights, same inputs and outputs (shapes and order)
 */
export function foldBatchNorms(model: tf.LayersModel): tf.LayersModel {
  const consumers = new Map<number, tf.layers.Layer[]>();
  for (const layer of model.layers) {
    if (layer.inboundNodes.length > 1) {
      throw new Error(`foldBatchNorms: layer '${layer.name}' is applied ${layer.inboundNodes.length} times; only models whose layers are each applied once can be folded`);
    }
    for (const node of layer.inboundNodes) for (const t of node.inputTensors) consumers.set(t.id, [...(consumers.get(t.id) ?? []), layer]);
  }
  const modelOutputs = new Set(model.outputs.map((o) => o.id));
  const onlyConsumer = (t: tf.SymbolicTensor): tf.layers.Layer | undefined => {
    const users = consumers.get(t.id) ?? [];
    return users.length === 1 && !modelOutputs.has(t.id) ? users[0] : undefined;
  };
  const outputOf = (layer: tf.layers.Layer) => layer.inboundNodes[0]!.outputTensors[0]!;

  const mapped = new Map<number, tf.SymbolicTensor>();
  const inputs = model.inputs.map((old) => {
    const fresh = tf.input({ shape: old.shape.slice(1), dtype: old.dtype, name: old.sourceLayer.name });
    mapped.set(old.id, fresh);
    return fresh;
  });
  const absorbed = new Set<tf.layers.Layer>();
  const created: tf.layers.Layer[] = [];
  try {
    for (const layer of model.layers) {
      if (layer.getClassName() === 'InputLayer' || absorbed.has(layer)) continue;
      const node = layer.inboundNodes[0]!;
      const ins = node.inputTensors.map((t) => mapped.get(t.id)!);
      const norm = foldableBatchNorm(layer, onlyConsumer(outputOf(layer)));
      if (norm) {
        const after = onlyConsumer(outputOf(norm));
        const relu = norm.getClassName() === 'BatchNormRelu' ? Boolean(norm.getConfig().relu) : isPlainRelu(after);
        const conv = rebuilt(layer, { useBias: true, activation: relu ? 'relu' : 'linear' });
        created.push(conv);
        const y = conv.apply(ins[0]!) as tf.SymbolicTensor;
        const weights = foldedWeights(layer, norm);
        conv.setWeights(weights);
        tf.dispose(weights);
        mapped.set(outputOf(layer).id, y);
        mapped.set(outputOf(norm).id, y);
        absorbed.add(norm);
        if (relu && norm.getClassName() !== 'BatchNormRelu') {
          mapped.set(outputOf(after!).id, y);
          absorbed.add(after!);
        }
        continue;
      }
      const fresh = rebuilt(layer);
      created.push(fresh);
      const y = fresh.apply(ins.length === 1 ? ins[0]! : ins) as tf.SymbolicTensor | tf.SymbolicTensor[];
      tf.tidy(() => fresh.setWeights(layer.getWeights()));
      node.outputTensors.forEach((t, i) => mapped.set(t.id, Array.isArray(y) ? y[i]! : y));
    }
    return tf.model({ inputs, outputs: model.outputs.map((o) => mapped.get(o.id)!), name: model.name });
  } catch (error) {
    for (const layer of created) if (layer.built) layer.dispose();
    throw error;
  }
}

/** `next` when `layer` is a Conv2D whose only consumer `next` is a batch norm it can absorb. */
function foldableBatchNorm(layer: tf.layers.Layer, next: tf.layers.Layer | undefined): tf.layers.Layer | undefined {
  if (!next || layer.getClassName() !== 'Conv2D') return undefined;
  const conv = layer.getConfig();
  if (conv.activation !== 'linear' || (conv.dataFormat ?? 'channelsLast') !== 'channelsLast') return undefined;
  if (next.getClassName() === 'BatchNormRelu') return next;
  if (next.getClassName() !== 'BatchNormalization') return undefined;
  const axis = next.getConfig().axis;
  return axis === -1 || axis === 3 ? next : undefined;
}

function isPlainRelu(layer: tf.layers.Layer | undefined): boolean {
  return layer?.getClassName() === 'ReLU' && layer.getConfig().maxValue == null;
}

/** A new, unbuilt layer of `layer`'s class from its config (with `changes`); same name. */
function rebuilt(layer: tf.layers.Layer, changes: tf.serialization.ConfigDict = {}): tf.layers.Layer {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[layer.getClassName()];
  if (!entry) throw new Error(`foldBatchNorms: layer '${layer.name}' is a ${layer.getClassName()}, which is not registered with tfjs`);
  const [cls, fromConfig] = entry;
  return fromConfig(cls, { ...layer.getConfig(), ...changes }) as tf.layers.Layer;
}

/** [W′ (KH×KW×C×O), b′ (O)] of the folded convolution, from float64 arithmetic. */
function foldedWeights(conv: tf.layers.Layer, norm: tf.layers.Layer): tf.Tensor[] {
  const config = norm.getConfig();
  const epsilon = Number(config.epsilon);
  const byName = new Map(norm.weights.map((w) => [w.originalName.split('/').pop()!, w.read().dataSync() as Float32Array]));
  const [kernelTensor, biasTensor] = conv.getWeights();
  const kernel = kernelTensor!.dataSync() as Float32Array;
  const bias = biasTensor ? (biasTensor.dataSync() as Float32Array) : undefined;
  const channels = kernelTensor!.shape[3]!;
  const gamma = config.scale === false ? undefined : byName.get('gamma');
  const beta = config.center === false ? undefined : byName.get('beta');
  const mean = byName.get('moving_mean')!;
  const variance = byName.get('moving_variance')!;
  const scale = new Float64Array(channels);
  const foldedBias = new Float32Array(channels);
  for (let o = 0; o < channels; o++) {
    scale[o] = (gamma ? gamma[o]! : 1) / Math.sqrt(variance[o]! + epsilon);
    foldedBias[o] = (beta ? beta[o]! : 0) + ((bias ? bias[o]! : 0) - mean[o]!) * scale[o]!;
  }
  const foldedKernel = new Float32Array(kernel.length);
  for (let i = 0; i < kernel.length; i++) foldedKernel[i] = kernel[i]! * scale[i % channels]!;
  return [tf.tensor(foldedKernel, kernelTensor!.shape), tf.tensor(foldedBias, [channels])];
}
