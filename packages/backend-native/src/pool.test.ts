import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { NativeBackend } from './backend.js';
import { BufferPool } from './pool.js';
import { nativeReady, seededValues } from './test-helpers.js';

describe('BufferPool', () => {
  let owners = 0;
  const owner = () => ({ id: owners++ }); // distinct objects: the pool keys on identity

  it('hands a released buffer out again, for the same length only', () => {
    const pool = new BufferPool(1 << 20);
    const a = pool.take(4096);
    const id = owner();
    pool.register(a, id);
    pool.release(a, id);
    expect(pool.take(2048)).not.toBe(a);
    expect(pool.take(4096)).toBe(a);
    expect(pool.stats.reused).toBe(1);
  });

  it('never recycles a buffer that was read, registered twice, or registered as a view', () => {
    const pool = new BufferPool(1 << 20);
    const read = pool.take(4096);
    const readOwner = owner();
    pool.register(read, readOwner);
    pool.pin(read);
    pool.release(read, readOwner);

    const shared = pool.take(4096);
    const first = owner();
    pool.register(shared, first);
    pool.register(shared, owner());
    pool.release(shared, first);

    const viewed = pool.take(4096);
    const viewOwner = owner();
    pool.register(viewed.subarray(0, 100), viewOwner);
    pool.release(viewed, viewOwner);

    expect(pool.stats.recycled).toBe(0);
    const next = pool.take(4096);
    expect([read, shared, viewed]).not.toContain(next);
  });

  it('ignores arrays it did not hand out, small arrays, and owners that do not own the buffer', () => {
    const pool = new BufferPool(1 << 20);
    const user = new Float32Array(4096);
    const id = owner();
    pool.register(user, id);
    pool.release(user, id);
    const small = pool.take(16);
    pool.register(small, id);
    pool.release(small, id);
    const a = pool.take(4096);
    pool.register(a, id);
    pool.release(a, owner());
    expect(pool.stats.recycled).toBe(0);
  });

  it('keeps at most maxFreeBytes in its free lists', () => {
    const pool = new BufferPool(4096 * 4);
    const [a, b] = [pool.take(4096), pool.take(4096)];
    const [ia, ib] = [owner(), owner()];
    pool.register(a, ia);
    pool.register(b, ib);
    pool.release(a, ia);
    pool.release(b, ib);
    expect(pool.stats.recycled).toBe(1);
  });
});

describe.skipIf(!nativeReady)('the native backend recycles output buffers safely', () => {
  beforeAll(async () => {
    await tf.setBackend('native');
  });
  const size = 64 * 1024;
  const x = () => tf.tensor1d(seededValues(size, 1));

  it('reuses buffers across steps and leaks no tensors', () => {
    const pool = (tf.backend() as NativeBackend).pool;
    const input = x();
    const before = tf.memory().numTensors;
    const reusedBefore = pool.stats.reused;
    for (let i = 0; i < 5; i++) tf.tidy(() => tf.sum(tf.mul(tf.relu(input), tf.square(input))).dataSync());
    expect(pool.stats.reused).toBeGreaterThan(reusedBefore);
    expect(tf.memory().numTensors).toBe(before);
    input.dispose();
  });

  it('an array from dataSync() or data() keeps its values after its tensor is disposed', async () => {
    const input = x();
    const a = tf.relu(input);
    const syncValues = a.dataSync() as Float32Array;
    const b = tf.neg(input);
    const asyncValues = (await b.data()) as Float32Array;
    const expectedA = Float32Array.from(syncValues);
    const expectedB = Float32Array.from(asyncValues);
    tf.dispose([a, b]);
    for (let i = 0; i < 4; i++) tf.tidy(() => tf.add(tf.exp(input), tf.abs(input)).dataSync());
    expect(syncValues).toEqual(expectedA);
    expect(asyncValues).toEqual(expectedB);
    input.dispose();
  });

  it('a slice (a view of its input on the cpu kernel) survives its input being disposed', () => {
    const input = x();
    const whole = tf.relu(input);
    const part = tf.slice(whole, [0], [size / 2]);
    const expected = Float32Array.from((whole.dataSync() as Float32Array).subarray(0, size / 2));
    whole.dispose();
    for (let i = 0; i < 4; i++) tf.tidy(() => tf.sqrt(tf.abs(tf.mul(input, 3))));
    expect(part.dataSync()).toEqual(expected);
    tf.dispose([input, part]);
  });

  it('a reshaped or cloned tensor keeps its data while the original is disposed', () => {
    const input = x();
    const a = tf.relu(input);
    const reshaped = tf.reshape(a, [size / 4, 4]);
    const cloned = tf.clone(a);
    a.dispose();
    for (let i = 0; i < 4; i++) tf.tidy(() => tf.neg(tf.exp(input)));
    const expected = (tf.tidy(() => tf.relu(input)).dataSync() as Float32Array).slice();
    expect(reshaped.dataSync()).toEqual(expected);
    expect(cloned.dataSync()).toEqual(expected);
    tf.dispose([input, reshaped, cloned]);
  });
});
