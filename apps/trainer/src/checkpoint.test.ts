import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, loadCheckpoint, saveCheckpoint } from './checkpoint.js';

describe('checkpoint', () => {
  it('round-trips nested state with typed arrays of several kinds and odd lengths', () => {
    const state = {
      epoch: 3,
      name: 'run',
      lr: Number.NaN,
      rng: [1, 2, 3],
      weights: { a: new Float32Array([1.5, -2, 3.25]), b: new Float32Array(0), c: new Uint8Array([1, 2, 3, 4, 5]) },
      list: [new Float64Array([Math.PI]), new Int32Array([-7])],
    };
    const back = decodeCheckpoint<typeof state>(encodeCheckpoint(state));
    expect(back.epoch).toBe(3);
    expect(back.lr).toBeNaN();
    expect(Array.from(back.weights.a)).toEqual([1.5, -2, 3.25]);
    expect(back.weights.a).toBeInstanceOf(Float32Array);
    expect(back.weights.b.length).toBe(0);
    expect(Array.from(back.weights.c)).toEqual([1, 2, 3, 4, 5]);
    expect(back.list[0][0]).toBe(Math.PI);
    expect(back.list[1][0]).toBe(-7);
  });

  it('writes atomically and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'g2rl-ckpt-'));
    const path = join(dir, 'last.ckpt');
    saveCheckpoint(path, { step: 1, w: new Float32Array([1]) });
    saveCheckpoint(path, { step: 2, w: new Float32Array([2]) });
    expect(readdirSync(dir)).toEqual(['last.ckpt']);
    expect(loadCheckpoint<{ step: number }>(path).step).toBe(2);
  });

  it('names the file when it is not a checkpoint or is truncated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'g2rl-ckpt-'));
    const path = join(dir, 'bad.ckpt');
    writeFileSync(path, 'hello world, not a checkpoint');
    expect(() => loadCheckpoint(path)).toThrow(`${path} is not a g2rl checkpoint`);
    saveCheckpoint(path, { w: new Float32Array(100) });
    writeFileSync(path, readFileSync(path).subarray(0, 60));
    expect(() => loadCheckpoint(path)).toThrow(/truncated/);
    expect(() => loadCheckpoint(join(dir, 'none.ckpt'))).toThrow(/no checkpoint at/);
  });
});
