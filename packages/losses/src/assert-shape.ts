import type * as tf from '@tensorflow/tfjs';

/**
 * Throws a clear error unless `tensor` has `rank` dimensions. `where` names the function
 * and argument (e.g. `heatmapLoss(pred)`), `expected` spells the layout (`B×H×W×K`).
 */
export function assertRank(tensor: tf.Tensor, rank: number, where: string, expected: string): void {
  if (tensor == null || !Array.isArray(tensor.shape)) {
    throw new TypeError(`${where}: expected a tf.Tensor of shape ${expected}, got ${String(tensor)}`);
  }
  if (tensor.rank !== rank) {
    throw new Error(
      `${where}: expected a rank-${rank} tensor ${expected}, got shape [${tensor.shape.join(', ')}]`,
    );
  }
}

/** Throws unless two tensors have exactly the same shape. */
export function assertSameShape(a: tf.Tensor, b: tf.Tensor, where: string, names: [string, string]): void {
  const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
  if (!same) {
    throw new Error(
      `${where}: ${names[0]} has shape [${a.shape.join(', ')}] but ${names[1]} has shape ` +
        `[${b.shape.join(', ')}]; they must be equal`,
    );
  }
}
