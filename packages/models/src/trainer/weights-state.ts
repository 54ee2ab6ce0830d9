import * as tf from '@tensorflow/tfjs';

/** One weight as plain data. */
export interface NamedArray {
  /** the weight's name inside its model (layer/weight, e.g. 'stem_conv/kernel') */
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Every weight of a model (trainable and not: batch-norm statistics too) as plain data. */
export function readModelWeights(model: tf.LayersModel): NamedArray[] {
  return model.weights.map((weight) => ({
    name: weight.originalName,
    shape: [...weight.shape] as number[],
    data: (weight.read().dataSync() as Float32Array).slice(),
  }));
}

/** Writes weights from {@link readModelWeights} back, by name; throws on a missing or misshapen weight. */
export function writeModelWeights(model: tf.LayersModel, weights: NamedArray[], where: string): void {
  const byName = new Map(weights.map((w) => [w.name, w]));
  for (const weight of model.weights) {
    const saved = byName.get(weight.originalName);
    if (!saved) throw new Error(`${where}: the state has no weight "${weight.originalName}"`);
    const expected = weight.shape as number[];
    if (saved.shape.length !== expected.length || saved.shape.some((d, i) => d !== expected[i])) {
      throw new Error(
        `${where}: weight "${weight.originalName}" has shape [${saved.shape.join(', ')}] in the state, ` +
          `[${expected.join(', ')}] in the model`,
      );
    }
    tf.tidy(() => {
      weight.write(tf.tensor(saved.data, saved.shape, 'float32'));
    });
  }
  if (byName.size !== model.weights.length) {
    const known = new Set(model.weights.map((w) => w.originalName));
    const extra = [...byName.keys()].filter((n) => !known.has(n));
    throw new Error(`${where}: the state has weights this model lacks: ${extra.slice(0, 5).join(', ')}`);
  }
}

/** Trainable variables of a model under stable keys (`prefix/layer/weight`). */
export function keyedTrainableVariables(model: tf.LayersModel, prefix: string): { key: string; variable: tf.Variable }[] {
  return model.trainableWeights.map((weight) => ({ key: `${prefix}/${weight.originalName}`, variable: weight.read() as tf.Variable }));
}
