// Shared by the kernel tests: seeded data and a wasm-vs-cpu comparison.
import * as tf from '@tensorflow/tfjs';
import { seededUniform } from '@g2rl/common';

/** Deterministic uniform values in [-0.5, 0.5) (mulberry32). */
export function seededValues(length: number, seed: number): Float32Array {
  return seededUniform(length, seed, -0.5, 0.5);
}

/** max |a − b| / max |b|: error relative to the reference's scale. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relativeError: lengths ${a.length} and ${b.length} differ`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return scale === 0 ? diff : diff / scale;
}

/**
 * Runs `f` on the wasm and cpu backends (inside tidy) and returns each result's values,
 * plus the change in wasm's live tensors and data buffers (both must be 0: no leak).
 */
export function onBothBackends(f: () => tf.Tensor[]): {
  wasm: Float32Array[];
  cpu: Float32Array[];
  leakedTensors: number;
  leakedBuffers: number;
} {
  tf.setBackend('wasm');
  const tensorsBefore = tf.memory().numTensors;
  const buffersBefore = tf.engine().backend.numDataIds();
  const wasm = tf.tidy(f).map((t) => {
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return values;
  });
  const leakedTensors = tf.memory().numTensors - tensorsBefore;
  const leakedBuffers = tf.engine().backend.numDataIds() - buffersBefore;
  tf.setBackend('cpu');
  const cpu = tf.tidy(f).map((t) => {
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return values;
  });
  tf.setBackend('wasm');
  return { wasm, cpu, leakedTensors, leakedBuffers };
}
