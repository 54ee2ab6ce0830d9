import { describe, expect, it } from 'vitest';
import { landmarkProblem } from './sample.js';

describe('landmarkProblem', () => {
  const ok = Array.from({ length: 136 }, (_, i) => i);
  it('accepts finite numbers and names the first bad one', () => {
    expect(landmarkProblem(ok, 'ibug68')).toBeUndefined();
    expect(landmarkProblem([...ok.slice(0, 5), Number.NaN, ...ok.slice(6)], 'ibug68')).toBe('landmark 2 y is NaN, expected a finite number');
  });

  // Found by fuzzing the manifest readers (fuzz/corpus/manifest-csv/): 1e39 is a finite double
  // but Infinity once stored in the sample's Float32Array.
  it('refuses a coordinate beyond the float32 range', () => {
    expect(landmarkProblem([1e39, ...ok.slice(1)], 'ibug68')).toBe('landmark 0 x is 1e+39, beyond the float32 range (±3.4e38)');
    expect(landmarkProblem([3.4e38, ...ok.slice(1)], 'ibug68')).toBeUndefined();
  });
});
