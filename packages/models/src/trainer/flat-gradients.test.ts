import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientLayout, packGradients, unpackGradients } from './flat-gradients.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('flat gradients', () => {
  it('lay the variables out in order, mark the one without a gradient, and unpack to the same tensors', async () => {
    const a = tf.variable(tf.zeros([2, 3]), true, 'flat_a');
    const b = tf.variable(tf.zeros([4]), true, 'flat_b');
    const c = tf.variable(tf.zeros([1]), true, 'flat_c');
    const variables = [
      { key: 'm/a', variable: a },
      { key: 'm/b', variable: b },
      { key: 'm/c', variable: c },
    ];
    expect(gradientLayout(variables)).toEqual({ keys: ['m/a', 'm/b', 'm/c'], offsets: [0, 6, 10], sizes: [6, 4, 1], size: 11 });
    const grads = { flat_a: tf.tensor2d([[1, 2, 3], [4, 5, 6]]), flat_c: tf.tensor1d([9]) };
    const into = new Float32Array(12).fill(7);
    const flat = await packGradients(variables, grads, into);
    expect(flat.values).toBe(into);
    expect(Array.from(into)).toEqual([1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 9, 7]);
    expect(flat.present).toEqual([true, false, true]);
    const before = tf.memory().numTensors;
    const back = unpackGradients(variables, flat);
    expect(Object.keys(back).sort()).toEqual(['flat_a', 'flat_c']);
    expect(back.flat_a.shape).toEqual([2, 3]);
    expect(Array.from(back.flat_a.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(back.flat_c.dataSync())).toEqual([9]);
    tf.dispose(Object.values(back));
    expect(tf.memory().numTensors).toBe(before);
    await expect(packGradients(variables, grads, new Float32Array(5))).rejects.toThrow(/packGradients\(into\): expected at least 11/);
    expect(() => unpackGradients(variables, { values: new Float32Array(11), present: [true] })).toThrow(/3 present flags/);
    tf.dispose([a, b, c, ...Object.values(grads)]);
  });
});
