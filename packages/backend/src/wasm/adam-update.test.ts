// The fused Adam kernel on wasm equals, bit for bit, the chain of tfjs ops @g2rl/models'
// Adam runs without it (written out here: this package does not depend on models), over
// several steps with growing bias corrections; bad inputs name the input.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend.js';
import { ADAM_UPDATE_KERNEL } from './adam-update.js';
import { seededValues } from './test-support.js';

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
});

const hyper = { learningRate: 2e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

function opsStep(w: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, fc: number, sc: number) {
  return tf.tidy(() => {
    const m2 = tf.add(tf.mul(m, hyper.beta1), tf.mul(g, 1 - hyper.beta1));
    const v2 = tf.add(tf.mul(v, hyper.beta2), tf.mul(tf.square(g), 1 - hyper.beta2));
    const update = tf.div(tf.div(m2, fc), tf.add(tf.sqrt(tf.div(v2, sc)), hyper.epsilon));
    return [tf.sub(w, tf.mul(update, hyper.learningRate)), m2, v2];
  });
}

describe(`${ADAM_UPDATE_KERNEL} on wasm`, () => {
  it('is registered and equals the unfused ops bit for bit over 5 steps', () => {
    expect(tf.getKernel(ADAM_UPDATE_KERNEL, 'wasm')).toBeDefined();
    const n = 5003; // not a multiple of 4: the SIMD pass and its scalar tail
    let fused = [tf.tensor(seededValues(n, 1)), tf.zeros([n]), tf.zeros([n])];
    let plain = fused.map((t) => t.clone());
    const before = tf.memory().numTensors;
    for (let t = 1; t <= 5; t++) {
      const g = tf.tensor(seededValues(n, 10 + t).map((x) => x * (t % 2 ? 1e-3 : 3)));
      const fc = 1 - hyper.beta1 ** t;
      const sc = 1 - hyper.beta2 ** t;
      const out = tf.engine().runKernel(ADAM_UPDATE_KERNEL, { variable: fused[0]!, gradient: g, m: fused[1]!, v: fused[2]! }, { ...hyper, firstCorrection: fc, secondCorrection: sc }) as tf.Tensor[];
      const ref = opsStep(plain[0]!, g, plain[1]!, plain[2]!, fc, sc);
      tf.dispose([...fused, ...plain, g]);
      fused = out;
      plain = ref;
    }
    for (let i = 0; i < 3; i++) {
      expect(Array.from(fused[i]!.dataSync())).toEqual(Array.from(plain[i]!.dataSync()));
    }
    expect(fused[0]!.dataSync().some((x, i) => x !== seededValues(n, 1)[i])).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...fused, ...plain]);
  });

  it('names the input whose shape or dtype is wrong', () => {
    const w = tf.zeros([4]);
    const bad = tf.zeros([5]);
    expect(() => tf.engine().runKernel(ADAM_UPDATE_KERNEL, { variable: w, gradient: bad, m: w, v: w }, { ...hyper, firstCorrection: 0.1, secondCorrection: 0.001 })).toThrow(/input 'gradient'/);
    expect(() => tf.engine().runKernel(ADAM_UPDATE_KERNEL, { variable: w, gradient: w, m: w, v: w }, { ...hyper, learningRate: Number.NaN, firstCorrection: 0.1, secondCorrection: 0.001 })).toThrow(/learningRate/);
    tf.dispose([w, bad]);
  });
});
