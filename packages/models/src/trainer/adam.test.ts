import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, FUSED_ADAM_KERNEL } from './adam.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const step = (adam: Adam, variable: tf.Variable, gradient: number[]) =>
  tf.tidy(() => adam.apply([{ key: 'w', variable }], { [variable.name]: tf.tensor1d(gradient) }));

describe('Adam', () => {
  it('follows the update rule (two hand-worked steps)', () => {
    const w = tf.variable(tf.tensor1d([1]));
    const adam = new Adam({ learningRate: 0.1 });
    step(adam, w, [2]);
    // m = 0.2, v = 0.004; m̂ = 0.2/0.1 = 2, v̂ = 0.004/0.001 = 4 → w = 1 − 0.1·2/(2 + ε)
    expect(w.dataSync()[0]).toBeCloseTo(1 - (0.1 * 2) / (2 + 1e-7), 6);
    step(adam, w, [-1]);
    const m = 0.9 * 0.2 + 0.1 * -1;
    const v = 0.999 * 0.004 + 0.001 * 1;
    const update = m / (1 - 0.9 ** 2) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-7);
    expect(w.dataSync()[0]).toBeCloseTo(1 - 0.1 / (1 + 1e-7) - 0.1 * update, 6);
    expect(adam.step).toBe(2);
  });

  it('agrees with tf.train.adam over ten steps of varying gradients', () => {
    const mine = tf.variable(tf.tensor1d([0.5, -1, 2]));
    const theirs = tf.variable(tf.tensor1d([0.5, -1, 2]));
    const adam = new Adam({ learningRate: 0.01 });
    const reference = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    for (let t = 1; t <= 10; t++) {
      const gradient = [Math.sin(t), Math.cos(3 * t), t % 3 - 1];
      step(adam, mine, gradient);
      tf.tidy(() => reference.applyGradients([{ name: theirs.name, tensor: tf.tensor1d(gradient) }]));
    }
    const a = mine.dataSync();
    const b = theirs.dataSync();
    a.forEach((value, i) => expect(value).toBeCloseTo(b[i], 5));
  });

  it('saves and restores its moments and step count exactly', () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const adam = new Adam({ learningRate: 0.05 });
    step(adam, w, [0.3, -0.7]);
    const state = adam.getState();
    const restored = new Adam({ learningRate: 1 });
    restored.setState(structuredClone(state));
    const w2 = tf.variable(w.clone());
    step(adam, w, [1, 1]);
    step(restored, w2, [1, 1]);
    expect(Array.from(w2.dataSync())).toEqual(Array.from(w.dataSync()));
    expect(restored.getState()).toEqual(adam.getState());
  });

  it('rejects a bad learning rate and frees its moments on dispose', () => {
    expect(() => new Adam({ learningRate: -1 })).toThrow(/learningRate: expected a finite number ≥ 0, got -1/);
    const w = tf.variable(tf.tensor1d([1]));
    const before = tf.memory().numTensors;
    const adam = new Adam({ learningRate: 0.1 });
    step(adam, w, [1]);
    adam.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('uses a fused kernel when the active backend registers one, with the same results and state', () => {
    // A JS stand-in for @g2rl/backend-native's kernel, registered on a backend of its own:
    // float32 rounding after every operation, as the ops path stores it.
    const f = Math.fround;
    let calls = 0;
    const fusedCpu = tf.findBackendFactory('cpu')!;
    tf.registerBackend('adam-fused-test', fusedCpu);
    for (const config of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...config, backendName: 'adam-fused-test' });
    tf.registerKernel({
      kernelName: FUSED_ADAM_KERNEL,
      backendName: 'adam-fused-test',
      kernelFunc: ({ inputs, attrs, backend }) => {
        calls++;
        const cpu = backend as unknown as { readSync(id: unknown): Float32Array; makeTensorInfo(s: number[], d: string, v: Float32Array): tf.TensorInfo };
        const [w, g, m, v] = (['variable', 'gradient', 'm', 'v'] as const).map((n) => cpu.readSync((inputs[n] as tf.TensorInfo).dataId));
        const a = attrs as Record<string, number>;
        const [b1, b2, lr, eps, c1, c2] = [a.beta1, a.beta2, a.learningRate, a.epsilon, a.firstCorrection, a.secondCorrection].map(f);
        const out = [new Float32Array(w.length), new Float32Array(w.length), new Float32Array(w.length)];
        for (let i = 0; i < w.length; i++) {
          const mi = f(f(m[i] * b1) + f(g[i] * f(1 - a.beta1)));
          const vi = f(f(v[i] * b2) + f(f(g[i] * g[i]) * f(1 - a.beta2)));
          const update = f(f(mi / c1) / f(f(Math.sqrt(f(vi / c2))) + eps));
          out[0][i] = f(w[i] - f(update * lr));
          out[1][i] = mi;
          out[2][i] = vi;
        }
        const shape = (inputs.variable as tf.TensorInfo).shape;
        return out.map((values) => cpu.makeTensorInfo(shape, 'float32', values));
      },
    });
    const run = (backend: string) => {
      tf.setBackend(backend);
      const w = tf.variable(tf.tensor1d([0.5, -1, 2, 3e-4]));
      const adam = new Adam({ learningRate: 0.01 });
      for (let t = 1; t <= 6; t++) step(adam, w, [Math.sin(t), Math.cos(3 * t), (t % 3) - 1, 1e-3 * t]);
      const result = { w: Float32Array.from(w.dataSync()), state: adam.getState() };
      const before = tf.memory().numTensors;
      step(adam, w, [1, 1, 1, 1]);
      const leaked = tf.memory().numTensors - before;
      adam.dispose();
      w.dispose();
      return { ...result, leaked };
    };
    try {
      const ops = run('cpu');
      const fused = run('adam-fused-test');
      expect(calls).toBe(7);
      expect(fused.leaked).toBe(0);
      const close = (a: Float32Array, b: Float32Array) => a.forEach((x, i) => expect(Math.abs(x - b[i]!)).toBeLessThanOrEqual(1e-6 * Math.abs(b[i]!) + 1e-12));
      close(fused.w, ops.w);
      close(fused.state.moments[0]!.m, ops.state.moments[0]!.m);
      close(fused.state.moments[0]!.v, ops.state.moments[0]!.v);
      expect(fused.state.step).toBe(ops.state.step);
    } finally {
      tf.setBackend('cpu');
      tf.removeBackend('adam-fused-test');
      for (const config of tf.getKernelsForBackend('adam-fused-test')) tf.unregisterKernel(config.kernelName, 'adam-fused-test');
    }
  });
});
