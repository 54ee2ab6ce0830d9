// Test helpers (not exported by the package): run the same tfjs computation on `cpu` and on
// `native` from identical inputs and compare, with tensor-leak checks on the native side.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { expect } from 'vitest';
import { seededUniform } from '@g2rl/common';
import { isNativeAvailable, nativeStatus, registerNativeBackend } from './backend.js';

export const nativeReady = isNativeAvailable();
if (!nativeReady) {
  // CI sets G2RL_REQUIRE_NATIVE=1: there a missing addon is a failure, never a green skip.
  if (process.env.G2RL_REQUIRE_NATIVE === '1') {
    throw new Error(`G2RL_REQUIRE_NATIVE=1 but the native backend is unavailable: ${nativeStatus().reason}`);
  }
  console.warn(`@g2rl/backend-native tests skipped: ${nativeStatus().reason}`);
} else {
  registerNativeBackend();
}

/** Deterministic values in [-1, 1) (mulberry32), so failures reproduce. */
export function seededValues(size: number, seed: number): Float32Array {
  return seededUniform(size, seed, -1, 1);
}

export interface InputSpec {
  shape: number[];
  values: Float32Array;
}

export function input(shape: number[], seed: number): InputSpec {
  return { shape, values: seededValues(shape.reduce((a, b) => a * b, 1), seed) };
}

/** Runs `fn` on `backend` with fresh tensors of `inputs`; returns every output's values. */
export function runOn(
  backend: string,
  inputs: InputSpec[],
  fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): { values: Float32Array[]; shapes: number[][]; leaked: number } {
  tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const tensors = inputs.map((i) => tf.tensor(i.values, i.shape));
  const outs = tf.tidy(() => {
    const result = fn(...tensors);
    return Array.isArray(result) ? result : [result];
  });
  const values = outs.map((t) => t.dataSync() as Float32Array);
  const shapes = outs.map((t) => t.shape);
  tf.dispose(outs);
  tf.dispose(tensors);
  return { values, shapes, leaked: tf.memory().numTensors - before };
}

/** max |a − b| / max |b|: the error relative to the reference tensor's magnitude. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i]! - expected[i]!);
    if (!(diff <= maxDiff)) maxDiff = diff; // NaN-safe: a NaN difference fails the test
    maxRef = Math.max(maxRef, Math.abs(expected[i]!));
  }
  return maxDiff / Math.max(maxRef, 1e-6);
}

/** Asserts `fn` gives the same outputs on native as on cpu (relative error ≤ tol), no leaks. */
export function expectSameAsCpu(
  inputs: InputSpec[],
  fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  tol = 1e-4,
): void {
  const reference = runOn('cpu', inputs, fn);
  const native = runOn('native', inputs, fn);
  expect(native.leaked).toBe(0);
  expect(native.shapes).toEqual(reference.shapes);
  reference.values.forEach((expected, i) => {
    expect(native.values[i]!.length).toBe(expected.length);
    const error = relativeError(native.values[i]!, expected);
    if (!(error <= tol)) {
      const at = expected.findIndex((v, j) => !(Math.abs(v - native.values[i]![j]!) <= tol * Math.abs(v) + 1e-6));
      throw new Error(
        `output ${i}: relative error ${error} > ${tol}; first mismatch at ${at}: native ${native.values[i]![at]} vs cpu ${expected[at]}`,
      );
    }
  });
}

/** Counts calls into the addon per function while `fn` runs (proves the native path ran). */
export function countAddonCalls(addon: object, fn: () => void): Record<string, number> {
  const counts: Record<string, number> = {};
  const target = addon as Record<string, unknown>;
  const originals = new Map<string, unknown>();
  for (const [name, f] of Object.entries(target)) {
    if (typeof f !== 'function') continue;
    originals.set(name, f);
    target[name] = (...args: unknown[]) => {
      counts[name] = (counts[name] ?? 0) + 1;
      return (f as (...a: unknown[]) => unknown)(...args);
    };
  }
  try {
    fn();
  } finally {
    for (const [name, f] of originals) target[name] = f;
  }
  return counts;
}
