import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
// The project's own Adam (the optimizer of @g2rl/models' trainer): it takes the
// fused kernel on `native` and its tfjs ops elsewhere, and both must give the same numbers.
import { Adam } from '@g2rl/models';
import { nativeReady, relativeError, seededValues } from '../test-helpers.js';
import { ADAM_UPDATE_KERNEL, ADAM_UPDATE_MANY_KERNEL } from './adam.js';

/** Steps an Adam over `shapes`' variables on `backend` with seeded gradients; returns weights and state. */
function train(backend: string, shapes: number[][], steps: number) {
  tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const variables = shapes.map((shape, i) =>
    tf.tidy(() => tf.variable(tf.tensor(seededValues(shape.reduce((a, b) => a * b, 1), 10 + i), shape), true, `adam_test_${backend}_${i}`)),
  );
  const adam = new Adam({ learningRate: 3e-3 });
  for (let t = 1; t <= steps; t++) {
    tf.tidy(() => {
      const gradients: tf.NamedTensorMap = {};
      variables.forEach((v, i) => {
        // gradients of several magnitudes, a few exact zeros (v stays 0 there: ε matters)
        const g = seededValues(v.size, 100 * t + i).map((x, j) => (j % 97 === 0 ? 0 : x * 10 ** ((j % 5) - 3)));
        gradients[v.name] = tf.tensor(g, v.shape);
      });
      adam.apply(variables.map((variable, i) => ({ key: `w${i}`, variable })), gradients);
    });
  }
  const weights = variables.map((v) => Float32Array.from(v.dataSync()));
  const state = adam.getState();
  adam.dispose();
  tf.dispose(variables);
  return { weights, state, leaked: tf.memory().numTensors - before };
}

describe.skipIf(!nativeReady)('G2rlAdamUpdate (fused Adam)', () => {
  it('is registered for native only, one-variable and many-variable forms', () => {
    for (const name of [ADAM_UPDATE_KERNEL, ADAM_UPDATE_MANY_KERNEL]) {
      expect(tf.getKernel(name, 'native')).toBeDefined();
      expect(tf.getKernel(name, 'cpu')).toBeUndefined();
    }
  });

  it('all variables in one G2rlAdamUpdateMany call: bit for bit what one G2rlAdamUpdate per variable gives', () => {
    // Adam takes the many-variable kernel when it is registered; without it, one kernel per variable
    const shapes = [[3, 3, 8, 16], [100_000], [7], [40_000], [1]];
    const spy = { calls: 0 };
    const many = tf.getKernel(ADAM_UPDATE_MANY_KERNEL, 'native')!;
    tf.unregisterKernel(ADAM_UPDATE_MANY_KERNEL, 'native');
    tf.registerKernel({ ...many, kernelFunc: (args) => (spy.calls++, many.kernelFunc(args)) });
    const together = train('native', shapes, 5);
    tf.unregisterKernel(ADAM_UPDATE_MANY_KERNEL, 'native');
    let separate: ReturnType<typeof train>;
    try {
      separate = train('native', shapes, 5);
    } finally {
      tf.registerKernel(many);
    }
    expect(spy.calls).toBe(5); // one call per step
    expect([together.leaked, separate.leaked]).toEqual([0, 0]);
    together.weights.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(separate.weights[i]!.buffer))).toBe(true));
    together.state.moments.forEach((moment, i) => {
      expect(Buffer.from(moment.m.buffer).equals(Buffer.from(separate.state.moments[i]!.m.buffer))).toBe(true);
      expect(Buffer.from(moment.v.buffer).equals(Buffer.from(separate.state.moments[i]!.v.buffer))).toBe(true);
    });
  });

  it("matches @g2rl/models' Adam on cpu (its ops path) over 8 steps, weights and moments, no leaks", () => {
    // 100 000 elements: the threaded path; 7: a bias-sized one
    const shapes = [[3, 3, 8, 16], [100_000], [7]];
    const cpu = train('cpu', shapes, 8);
    const native = train('native', shapes, 8);
    expect([cpu.leaked, native.leaked]).toEqual([0, 0]);
    expect(native.state.step).toBe(8);
    native.weights.forEach((w, i) => expect(relativeError(w, cpu.weights[i]!)).toBeLessThanOrEqual(1e-6));
    native.state.moments.forEach((moment, i) => {
      expect(moment.name).toBe(cpu.state.moments[i]!.name);
      expect(relativeError(moment.m, cpu.state.moments[i]!.m)).toBeLessThanOrEqual(1e-6);
      expect(relativeError(moment.v, cpu.state.moments[i]!.v)).toBeLessThanOrEqual(1e-6);
    });
  });

  it('a state saved on native and restored continues exactly as the uninterrupted run', () => {
    tf.setBackend('native');
    const w = tf.variable(tf.tensor1d(seededValues(5000, 1)));
    const w2 = tf.variable(w.clone());
    const adam = new Adam({ learningRate: 0.01 });
    const grad = (t: number) => ({ [w.name]: tf.tensor1d(seededValues(5000, t)), [w2.name]: tf.tensor1d(seededValues(5000, t)) });
    tf.tidy(() => adam.apply([{ key: 'w', variable: w }], grad(1)));
    const restored = new Adam({ learningRate: 1 });
    restored.setState(structuredClone(adam.getState()));
    w2.assign(w);
    tf.tidy(() => adam.apply([{ key: 'w', variable: w }], grad(2)));
    tf.tidy(() => restored.apply([{ key: 'w', variable: w2 }], grad(2)));
    expect(Array.from(w2.dataSync())).toEqual(Array.from(w.dataSync()));
    adam.dispose();
    restored.dispose();
    tf.dispose([w, w2]);
  });

  it('names a wrong input or attribute', () => {
    tf.setBackend('native');
    const x = tf.ones([4]);
    const attrs = { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, firstCorrection: 0.1, secondCorrection: 0.001 };
    expect(() => tf.engine().runKernel(ADAM_UPDATE_KERNEL, { variable: x, gradient: tf.ones([5]), m: x, v: x }, attrs)).toThrow(
      /input 'gradient' must be float32 of the variable's shape \[4\], got float32 \[5\]/,
    );
    expect(() => tf.engine().runKernel(ADAM_UPDATE_KERNEL, { variable: x, gradient: x, m: x, v: x }, { ...attrs, epsilon: undefined } as never)).toThrow(
      /attribute 'epsilon' must be a finite number/,
    );
    expect(() => tf.engine().runKernel(ADAM_UPDATE_MANY_KERNEL, { variable0: x, gradient0: x, m0: x, v0: x, variable1: x, gradient1: x, m1: tf.ones([3]), v1: x }, { ...attrs, count: 2 })).toThrow(
      /G2rlAdamUpdateMany: input 'm1' must be float32 of the variable's shape \[4\], got float32 \[3\]/,
    );
    expect(() => tf.engine().runKernel(ADAM_UPDATE_MANY_KERNEL, { variable0: x, gradient0: x, m0: x, v0: x }, attrs)).toThrow(/attribute 'count' must be the number of variables/);
    x.dispose();
  });
});
