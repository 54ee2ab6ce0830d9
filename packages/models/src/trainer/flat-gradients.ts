/**
 * Gradients as one flat Float32Array, in a fixed variable order: the form in which
 * data-parallel replicas exchange them (one shared buffer per replica, no per-tensor messages).
 */
import * as tf from '@tensorflow/tfjs';
import type { KeyedVariable } from './adam.js';

/**
 * Flat gradients of a list of variables: `values` holds variable i's gradient at
 * `[offsets[i], offsets[i] + sizes[i])`; `present[i]` is false for a variable the loss did not
 * reach (`tf.variableGrads` gives it no gradient, and Adam leaves it and its moments alone,
 * which a zero gradient would not).
 */
export interface FlatGradients {
  values: Float32Array;
  present: boolean[];
}

/** Where each variable's gradient sits in a flat array; `size` is the total. */
export interface GradientLayout {
  keys: string[];
  offsets: number[];
  sizes: number[];
  size: number;
}

/** The layout of `variables`, in their order. */
export function gradientLayout(variables: readonly KeyedVariable[]): GradientLayout {
  const keys: string[] = [];
  const offsets: number[] = [];
  const sizes: number[] = [];
  let size = 0;
  for (const { key, variable } of variables) {
    keys.push(key);
    offsets.push(size);
    sizes.push(variable.size);
    size += variable.size;
  }
  return { keys, offsets, sizes, size };
}

/**
 * Copies `gradients` (keyed by tf variable name, as `tf.variableGrads` gives them) into a flat
 * array, `into` when given (at least `layout.size` long; the values past it are left alone).
 */
export async function packGradients(variables: readonly KeyedVariable[], gradients: tf.NamedTensorMap, into?: Float32Array): Promise<FlatGradients> {
  const layout = gradientLayout(variables);
  const values = into ?? new Float32Array(layout.size);
  if (values.length < layout.size) throw new RangeError(`packGradients(into): expected at least ${layout.size} values, got ${values.length}`);
  const present: boolean[] = [];
  for (let i = 0; i < variables.length; i++) {
    const gradient = gradients[variables[i].variable.name];
    present.push(gradient != null);
    if (gradient == null) values.fill(0, layout.offsets[i], layout.offsets[i] + layout.sizes[i]);
    else values.set((await gradient.data()) as Float32Array, layout.offsets[i]);
  }
  return { values, present };
}

/** Flat gradients back to tensors keyed by tf variable name, for `Adam.apply` (the caller disposes them). */
export function unpackGradients(variables: readonly KeyedVariable[], gradients: FlatGradients): tf.NamedTensorMap {
  const layout = gradientLayout(variables);
  if (gradients.values.length < layout.size || gradients.present.length !== variables.length) {
    throw new RangeError(
      `unpackGradients: expected ${layout.size} values and ${variables.length} present flags (${layout.keys.slice(0, 3).join(', ')}, …), ` +
        `got ${gradients.values.length} and ${gradients.present.length}`,
    );
  }
  const map: tf.NamedTensorMap = {};
  variables.forEach(({ variable }, i) => {
    if (!gradients.present[i]) return;
    const data = gradients.values.subarray(layout.offsets[i], layout.offsets[i] + layout.sizes[i]);
    map[variable.name] = tf.tensor(data, variable.shape, 'float32');
  });
  return map;
}
