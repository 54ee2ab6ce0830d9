import { describe, expect, it } from 'vitest';
import { interleavePhases, phaseFilter, phaseWindow, planAxis, scatterPhase } from './phase-plan.js';

describe('planAxis', () => {
  it('stride 1, 3-tap filter, pad 1: the flipped filter over a window [-1, 1]', () => {
    // dx[i] = Σ_o dy[o]·w[i − o + 1]: offsets o − i = 1, 0, −1 use w[0], w[1], w[2].
    const plan = planAxis(8, 8, 3, 1, 1);
    expect(plan).toMatchObject({ windowStart: -1, windowLength: 3, padBefore: 1, padAfter: 1, phaseLength: 8 });
    expect(plan.taps).toEqual([[2, 1, 0]]);
  });

  it('stride 2, 3-tap filter, pad 0 (tfjs "same" for even sizes): phase 0 uses w[0], w[2], phase 1 w[1]', () => {
    // i = 2m: o·2 + k = 2m → (o = m, k = 0), (o = m − 1, k = 2). i = 2m + 1: (o = m, k = 1).
    const plan = planAxis(8, 4, 3, 2, 0);
    expect(plan.windowStart).toBe(-1);
    expect(plan.windowLength).toBe(2);
    expect(plan.taps).toEqual([
      [2, 0],
      [-1, 1],
    ]);
    expect(plan.padBefore).toBe(1);
    expect(plan.phaseLength).toBeGreaterThanOrEqual(4);
  });

  it('stride 2, 1-tap filter: only phase 0 receives gradient', () => {
    expect(planAxis(7, 4, 1, 2, 0)).toMatchObject({ taps: [[0], [-1]], live: [0] });
    expect(planAxis(8, 4, 3, 2, 0).live).toEqual([0, 1]);
  });

  it('names a bad argument', () => {
    expect(() => planAxis(8, 8, 0, 1, 0)).toThrow(/filterSize must be an integer ≥ 1, got 0/);
    expect(() => planAxis(8, 8, 3, 1, -1)).toThrow(/padBefore/);
  });
});

describe('phaseFilter', () => {
  it('places each forward tap at its phase channel (stride 2, 3×3, 1→1 channel)', () => {
    const rows = planAxis(4, 2, 3, 2, 0);
    const cols = planAxis(4, 2, 3, 2, 0);
    const w = Float32Array.from({ length: 9 }, (_, i) => i + 1); // w[kh, kw] = 3·kh + kw + 1
    const out = new Float32Array(2 * 2 * 1 * 4);
    phaseFilter(w, [3, 3, 1, 1], rows, cols, out);
    // out[th, tw, 0, rh·2 + rw] = w[rows.taps[rh][th], cols.taps[rw][tw]] (0 where a tap is −1)
    const at = (th: number, tw: number, ch: number) => out[(th * 2 + tw) * 4 + ch];
    expect(at(0, 0, 0)).toBe(9); // phase (0,0), window (0,0) → w[2,2]
    expect(at(1, 1, 0)).toBe(1); // → w[0,0]
    expect(at(0, 1, 0)).toBe(7); // → w[2,0]
    expect(at(1, 1, 3)).toBe(5); // phase (1,1) → w[1,1]
    expect(at(0, 0, 3)).toBe(0); // no tap
    expect(() => phaseFilter(w, [3, 3, 1, 2], rows, cols, out)).toThrow(/filter has 9 values, shape needs 18/);
  });
});

describe('interleavePhases', () => {
  it('equals DepthToSpace + crop written as index arithmetic', () => {
    const [B, Mh, Mw, C, s, H, W] = [2, 3, 4, 3, 2, 5, 7];
    const phases = Float32Array.from({ length: B * Mh * Mw * s * s * C }, (_, i) => i * 0.5 - 7);
    const dx = new Float32Array(B * H * W * C);
    const heap = new Float32Array(phases.length + dx.length);
    heap.set(phases, 0);
    interleavePhases(heap, 0, [B, Mh, Mw, s * s * C], s, [H, W, C], phases.length);
    for (let b = 0; b < B; b++)
      for (let i = 0; i < H; i++)
        for (let j = 0; j < W; j++)
          for (let c = 0; c < C; c++) {
            const [m, rh, n, rw] = [Math.floor(i / s), i % s, Math.floor(j / s), j % s];
            const want = phases[((b * Mh + m) * Mw + n) * s * s * C + (rh * s + rw) * C + c];
            expect(heap[phases.length + ((b * H + i) * W + j) * C + c]).toBe(want);
          }
  });

  it('writes zeros at phases that are not live (a 1×1 filter at stride 2)', () => {
    const [B, M, C, s, H] = [2, 3, 2, 2, 5];
    const phases = Float32Array.from({ length: B * M * M * C }, (_, i) => i + 1);
    const heap = new Float32Array(phases.length + B * H * H * C).fill(NaN);
    heap.set(phases, 0);
    interleavePhases(heap, 0, [B, M, M, C], s, [H, H, C], phases.length, [0], [0]);
    for (let b = 0; b < B; b++)
      for (let i = 0; i < H; i++)
        for (let j = 0; j < H; j++)
          for (let c = 0; c < C; c++) {
            const want = i % 2 || j % 2 ? 0 : phases[((b * M + i / 2) * M + j / 2) * C + c];
            expect(heap[phases.length + ((b * H + i) * H + j) * C + c]).toBe(want);
          }
  });

  it('refuses phases too small for dx', () => {
    expect(() => interleavePhases(new Float32Array(100), 0, [1, 2, 2, 4], 2, [5, 4, 1], 50)).toThrow(/cannot fill dx/);
  });
});

describe('phaseWindow', () => {
  it('stride 2, 3 taps, pad 0: phase 0 uses the whole 2-long window, phase 1 only its last position', () => {
    const plan = planAxis(8, 4, 3, 2, 0); // taps [[2, 0], [-1, 1]], window offsets −1…0
    // Phase 0: dx[2m] = dy[m−1]·w[2] + dy[m]·w[0] → pad 1 before; 4 positions.
    expect(phaseWindow(plan, 0, 8, 4)).toEqual({ first: 0, length: 2, padBefore: 1, padAfter: 0, count: 4 });
    // Phase 1: dx[2m+1] = dy[m]·w[1] → no padding.
    expect(phaseWindow(plan, 1, 8, 4)).toEqual({ first: 1, length: 1, padBefore: 0, padAfter: 0, count: 4 });
  });

  it('is null for a phase without taps, and names a phase out of range', () => {
    const plan = planAxis(7, 4, 1, 2, 0);
    expect(phaseWindow(plan, 1, 7, 4)).toBeNull();
    expect(() => phaseWindow(plan, 2, 7, 4)).toThrow(/phase 2 is outside 0…1/);
  });
});

describe('scatterPhase', () => {
  it('writes phase (1, 0) to odd rows and even columns only', () => {
    const [B, H, W, C] = [1, 4, 5, 2];
    const phase = Float32Array.from({ length: B * 3 * 3 * C }, (_, i) => i + 1); // 3×3 computed, 2×3 used
    const heap = new Float32Array(phase.length + B * H * W * C);
    heap.set(phase);
    scatterPhase(heap, 0, [B, 3, 3, C], 2, 1, 0, 2, 3, [H, W, C], phase.length);
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++)
        for (let c = 0; c < C; c++) {
          const want = i % 2 === 1 && j % 2 === 0 ? phase[(((i - 1) / 2) * 3 + j / 2) * C + c] : 0;
          expect(heap[phase.length + (i * W + j) * C + c]).toBe(want);
        }
    expect(() => scatterPhase(heap, 0, [B, 3, 3, C], 2, 1, 0, 3, 3, [H, W, C], phase.length)).toThrow(/does not fit dx/);
  });
});
