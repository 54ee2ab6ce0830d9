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

  /** One "batch": takes `count` buffers of `length`, then hands them all back. */
  const cycle = (pool: BufferPool, length: number, count = 1): void => {
    const taken = Array.from({ length: count }, () => ({ array: pool.take(length), id: owner() }));
    for (const t of taken) pool.register(t.array, t.id);
    for (const t of taken) pool.release(t.array, t.id);
  };

  it('drops the free buffers of a length not asked for within idleTakes takes, and only those', () => {
    const pool = new BufferPool(1 << 30, 64);
    cycle(pool, 2048, 3); // a rare length: 3 buffers
    for (let i = 0; i < 100; i++) cycle(pool, 4096); // the steady one
    expect(pool.stats.evicted).toBe(3);
    expect(pool.held).toEqual({ bytes: 4096 * 4, lengths: 1 });
    const steady = pool.take(4096);
    expect(pool.stats.reused).toBe(100); // 99 in the loop + this one: never evicted
    expect(steady.length).toBe(4096);
  });

  it('holds a bounded amount however many lengths come and go (a server: lengths follow the batch size)', () => {
    // A seeded stream of batch sizes: 95 % of batches 1–8 images, 5 % a rare size 9–200; each
    // batch takes buffers of size-proportional lengths, as a model's activations do. Without
    // eviction the pool keeps every size it has ever seen (90 % of `everySize` here, and
    // growing while new sizes turn up); with it, the common sizes and the recent rare ones.
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const perImage = [1024, 3072, 5120];
    const pool = new BufferPool(1 << 30, 1024);
    const seen = new Set<number>();
    let maxHeld = 0;
    for (let batch = 0; batch < 5000; batch++) {
      const size = random() < 0.95 ? 1 + Math.floor(8 * random()) : 9 + Math.floor(192 * random());
      seen.add(size);
      for (const elements of perImage) cycle(pool, size * elements);
      maxHeld = Math.max(maxHeld, pool.held.bytes);
    }
    const everySize = [...seen].reduce((sum, size) => sum + size * (1024 + 3072 + 5120) * 4, 0);
    expect(seen.size).toBeGreaterThan(100);
    expect(pool.stats.evicted).toBeGreaterThan(0);
    expect(maxHeld).toBeLessThan(0.35 * everySize);
    // the common sizes stay pooled: nearly every take is a reuse
    expect(pool.stats.reused).toBeGreaterThan(0.9 * perImage.length * 5000);
  });

  it('refuses an idle window that is not a positive integer', () => {
    expect(() => new BufferPool(1 << 20, 0)).toThrow(/idleTakes must be a positive integer, got 0/);
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
