import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createKnowledgeProjection } from './create-knowledge-projection.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('createKnowledgeProjection', () => {
  it('maps B×H×W×C to B×D', () => {
    const projection = createKnowledgeProjection({ featureShape: [4, 4, 6], reducedChannels: 2, D: 5 });
    expect(projection.outputs[0].shape).toEqual([null, 5]);
    // conv 6·2 + 2, dense 32·5 + 5
    expect(projection.countParams()).toBe(6 * 2 + 2 + 4 * 4 * 2 * 5 + 5);
  });

  it('is affine: W(a·x + b·y) − W(0) = a(W(x) − W(0)) + b(W(y) − W(0))', async () => {
    const projection = createKnowledgeProjection({ featureShape: [3, 3, 4], reducedChannels: 2, D: 6, seed: 2 });
    const x = tf.randomNormal([1, 3, 3, 4], 0, 1, 'float32', 1);
    const y = tf.randomNormal([1, 3, 3, 4], 0, 1, 'float32', 2);
    const f = (t: tf.Tensor) => projection.predict(t) as tf.Tensor;
    const zero = f(tf.zerosLike(x));
    const left = tf.sub(f(tf.add(tf.mul(x, 2), tf.mul(y, -3))), zero);
    const right = tf.add(tf.mul(tf.sub(f(x), zero), 2), tf.mul(tf.sub(f(y), zero), -3));
    const l = await left.data();
    const r = await right.data();
    l.forEach((v, i) => expect(v).toBeCloseTo(r[i], 4));
    expect(Math.max(...Array.from(l, Math.abs))).toBeGreaterThan(0.01);
  });

  it('names the option that is wrong', () => {
    expect(() => createKnowledgeProjection({ featureShape: [4, 4] as never })).toThrow(/featureShape/);
    expect(() => createKnowledgeProjection({ featureShape: [4, 4, 2], D: 0 })).toThrow(/createKnowledgeProjection\(D\)/);
  });
});
