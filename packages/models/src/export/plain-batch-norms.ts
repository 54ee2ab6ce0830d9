import * as tf from '@tensorflow/tfjs';

/** A layer entry of a saved LayersModel topology (Keras JSON, pythonic keys). */
interface LayerEntry {
  class_name: string;
  config: Record<string, unknown> & { name?: string; relu?: boolean; momentum?: number; epsilon?: number };
  [key: string]: unknown;
}

/**
 * The saved topology (`model.toJSON(null, false)`) with every @g2rl/models BatchNormRelu layer
 * whose ReLU is off written as the tf.layers.batchNormalization it equals (same name, momentum,
 * ε; same weights, in the same order), so that the folder loads with plain tfjs and no g2rl
 * code. A BatchNormRelu with its ReLU on has no single built-in equivalent: an error names it.
 */
export function plainBatchNorms(topology: tf.io.ModelArtifacts['modelTopology']): tf.io.ModelArtifacts['modelTopology'] {
  const layers = (topology as { config?: { layers?: LayerEntry[] } } | undefined)?.config?.layers;
  if (!Array.isArray(layers) || !layers.some((l) => l.class_name === 'BatchNormRelu')) return topology;
  const copy = structuredClone(topology) as { config: { layers: LayerEntry[] } };
  copy.config.layers = copy.config.layers.map((entry) => {
    if (entry.class_name !== 'BatchNormRelu') return entry;
    const { name, relu, momentum, epsilon } = entry.config;
    if (relu !== false) throw new Error(`exportInferenceModel: layer '${String(name)}' is a BatchNormRelu with its ReLU on, which has no built-in tfjs equivalent; build the backbone with fusedBatchNorm (ReLU off)`);
    return { ...entry, ...builtInBatchNorm(String(name), Number(momentum), Number(epsilon)) };
  });
  return copy as tf.io.ModelArtifacts['modelTopology'];
}

/** class_name and config of tf.layers.batchNormalization({ name, momentum, epsilon }) as tfjs saves them. */
function builtInBatchNorm(name: string, momentum: number, epsilon: number): Pick<LayerEntry, 'class_name' | 'config'> {
  const input = tf.input({ shape: [1] });
  const model = tf.model({ inputs: input, outputs: tf.layers.batchNormalization({ name, momentum, epsilon }).apply(input) as tf.SymbolicTensor });
  try {
    const saved = model.toJSON(null, false) as unknown as { config: { layers: LayerEntry[] } };
    const entry = saved.config.layers.find((l) => l.config.name === name)!;
    return { class_name: entry.class_name, config: entry.config };
  } finally {
    model.dispose();
  }
}
