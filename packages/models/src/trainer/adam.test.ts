import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam } from './adam';

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
});
