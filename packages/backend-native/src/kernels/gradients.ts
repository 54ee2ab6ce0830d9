// tfjs keeps gradients in one global registry, not per backend. To give the `native` backend
// shorter gradient graphs (one native kernel where tfjs chains several full-size ops), this
// wraps a registered gradient: on `native`, when `fast` accepts the inputs, its result is used;
// on every other backend, and for inputs `fast` declines (returns null), tfjs's own gradient
// runs unchanged. Installed once per kernel.
import * as tf from '@tensorflow/tfjs';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs';

export type NamedGradients = Record<string, () => Tensor>;
export type FastGradient = (dy: Tensor, saved: Tensor[], attrs: NamedAttrMap) => NamedGradients | null;

const installed = new Set<string>();

export function wrapGradient(kernelName: string, backendName: string, fast: FastGradient): void {
  if (installed.has(kernelName)) return;
  const original = tf.getGradient(kernelName);
  if (original == null) return;
  const wrapped: GradConfig = {
    ...original,
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const result = tf.getBackend() === backendName && !Array.isArray(dy) ? fast(dy, saved, attrs) : null;
      return result ?? original.gradFunc(dy, saved, attrs);
    },
  };
  // registerGradient warns when it replaces an entry; this replacement is deliberate.
  const warn = console.warn;
  console.warn = () => {};
  try {
    tf.registerGradient(wrapped);
  } finally {
    console.warn = warn;
  }
  installed.add(kernelName);
}
