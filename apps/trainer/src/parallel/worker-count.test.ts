import { describe, expect, it } from 'vitest';
import { resolveWorkerCount } from './worker-count.js';

describe('resolveWorkerCount', () => {
  it("'auto' uses the cores on wasm and cpu, with shards of at least 8 images", () => {
    expect(resolveWorkerCount('auto', 'wasm', 16, 2)).toBe(2);
    expect(resolveWorkerCount('auto', 'wasm', 16, 8)).toBe(2);
    expect(resolveWorkerCount('auto', 'wasm', 32, 8)).toBe(4);
    expect(resolveWorkerCount('auto', 'cpu', 64, 3)).toBe(3);
    expect(resolveWorkerCount('auto', 'wasm', 4, 2)).toBe(1);
    expect(resolveWorkerCount('auto', 'wasm', 16, 1)).toBe(1);
  });

  it("'auto' keeps one process on backends that thread their own kernels", () => {
    expect(resolveWorkerCount('auto', 'native', 16, 2)).toBe(1);
    expect(resolveWorkerCount('auto', 'tensorflow', 64, 8)).toBe(1);
  });

  it('takes a number as it is, and rejects anything else', () => {
    expect(resolveWorkerCount(2, 'native', 4, 1)).toBe(2);
    expect(resolveWorkerCount(3, 'wasm', 2, 2)).toBe(3);
    expect(() => resolveWorkerCount(0, 'wasm', 16, 2)).toThrow(/workers: expected 'auto' or an integer ≥ 1, got 0/);
    expect(() => resolveWorkerCount(1.5, 'wasm', 16, 2)).toThrow(/got 1.5/);
  });
});
