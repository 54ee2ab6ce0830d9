import * as tf from '@tensorflow/tfjs';

/**
 * Wraps `fn` so that its result is a constant for autodiff: the gradient into every input
 * is zero and the ops inside `fn` are not recorded on the tape (tfjs has no
 * `stopGradient`, and some ops, like `topk`, have no gradient at all). Used for values
 * that are data-dependent constants of a graph: the k-NN choice and the 'mean-knn' τ.
 */
export function constantOf(fn: (...inputs: tf.Tensor[]) => tf.Tensor): (...inputs: tf.Tensor[]) => tf.Tensor {
  const wrapped = tf.customGrad((...args: unknown[]) => {
    // customGrad passes a `save` function last.
    const inputs = args.slice(0, -1) as tf.Tensor[];
    return {
      value: fn(...inputs),
      gradFunc: () => inputs.map((input) => tf.zeros(input.shape, input.dtype)),
    };
  });
  return (...inputs: tf.Tensor[]) => (wrapped as unknown as (...x: tf.Tensor[]) => tf.Tensor)(...inputs);
}
