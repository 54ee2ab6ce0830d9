import { describe, expect, it } from 'vitest';
import { planWorkers } from './workers.js';

describe('planWorkers', () => {
  it('runs one single-threaded worker per core, except on tfjs-node (one worker, all cores)', () => {
    expect(planWorkers({ cores: 2 })).toEqual({ workers: 2, threads: 1 });
    expect(planWorkers({ cores: 8, backend: 'native' })).toEqual({ workers: 8, threads: 1 });
    expect(planWorkers({ cores: 8, backend: 'wasm' })).toEqual({ workers: 8, threads: 1 });
    expect(planWorkers({ cores: 8, backend: 'tensorflow' })).toEqual({ workers: 1, threads: 8 });
  });

  it('shares the cores among the workers asked for, at least one thread each', () => {
    expect(planWorkers({ cores: 8, workers: 2 })).toEqual({ workers: 2, threads: 4 });
    expect(planWorkers({ cores: 2, workers: 3 })).toEqual({ workers: 3, threads: 1 });
    expect(() => planWorkers({ cores: 2, workers: 0 })).toThrow(/positive integer/);
    expect(() => planWorkers({ cores: 2, workers: 1.5 })).toThrow(/positive integer/);
  });
});
