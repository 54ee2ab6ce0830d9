import { describe, expect, it } from 'vitest';
import { phaseGrid, writeGridColumns, writeGridGradient, writePhaseTensor, type ConvGeometry } from './phase-grid.js';

function geometry(H: number, W: number, C: number, K: number, s: number, pad: number): ConvGeometry {
  return {
    inHeight: H, inWidth: W, inChannels: C,
    outHeight: Math.floor((H + 2 * pad - K) / s) + 1, outWidth: Math.floor((W + 2 * pad - K) / s) + 1,
    filterHeight: K, filterWidth: K, strideHeight: s, strideWidth: s,
    dilationHeight: 1, dilationWidth: 1, padTop: pad, padLeft: pad,
  };
}

describe('phaseGrid', () => {
  it('adds ⌊(K−1)/s⌋ rows and columns to the output size', () => {
    // 3×3 stride 1 on 32×32 'same': 34×34 grid, largest tap offset 2·34 + 2.
    expect(phaseGrid(geometry(32, 32, 8, 3, 1, 1), 16)).toEqual({
      rows: 34, cols: 34, maxOffset: 70, rowLength: 16 * 34 * 34 + 70, rowSlot: [0], colSlot: [0], phases: 1,
    });
    // 3×3 stride 2 on 64×64 → 32×32: one extra row/column of phases.
    expect(phaseGrid(geometry(64, 64, 8, 3, 2, 1), 2)).toMatchObject({ rows: 33, cols: 33, maxOffset: 34, phases: 4 });
    // 1×1 at stride 2 reads only phase (0, 0).
    expect(phaseGrid(geometry(16, 16, 8, 1, 2, 0), 2)).toMatchObject({ rowSlot: [0, -1], colSlot: [0, -1], phases: 1 });
    expect(phaseGrid(geometry(16, 16, 8, 1, 1, 0), 4)).toMatchObject({ rows: 16, cols: 16, maxOffset: 0 });
  });
});

describe('phase-grid columns', () => {
  for (const [K, s, pad] of [[3, 1, 1], [3, 2, 1], [5, 2, 2], [1, 2, 0], [3, 1, 0]] as const) {
    it(`colᵀ · dy on the grid equals Σ x·dy over output pixels for ${K}×${K}/${s} pad ${pad}`, () => {
      const [B, H, W, C, Co] = [3, 7, 6, 2, 2];
      const g = geometry(H, W, C, K, s, pad);
      const grid = phaseGrid(g, B);
      const x = Float32Array.from({ length: B * H * W * C }, (_, i) => Math.sin(i * 1.3));
      const dy = Float32Array.from({ length: B * g.outHeight * g.outWidth * Co }, (_, i) => Math.cos(i * 0.7));
      const phases = new Float32Array(grid.phases * C * grid.rowLength);
      writePhaseTensor(x, 0, B, g, grid, phases, 0);
      const [b0, n] = [1, 2];
      const N = n * grid.rows * grid.cols;
      const heap = new Float32Array(phases.length + K * K * C * N + N * Co);
      heap.set(phases);
      writeGridColumns(heap, 0, g, grid, b0, n, phases.length);
      heap.set(dy, 0); // writeGridGradient reads dy from the heap: reuse the (already consumed) phase area
      writeGridGradient(heap, 0, g, Co, grid, b0, n, phases.length + K * K * C * N);
      for (let r = 0; r < K * K * C; r++) {
        const [kh, kw, c] = [Math.floor(r / (K * C)), Math.floor(r / C) % K, r % C];
        for (let co = 0; co < Co; co++) {
          let got = 0;
          for (let q = 0; q < N; q++) got += heap[phases.length + r * N + q]! * heap[phases.length + K * K * C * N + q * Co + co]!;
          let want = 0;
          for (let b = b0; b < b0 + n; b++) for (let oh = 0; oh < g.outHeight; oh++) for (let ow = 0; ow < g.outWidth; ow++) {
            const [i, j] = [oh * s - pad + kh, ow * s - pad + kw];
            if (i < 0 || i >= H || j < 0 || j >= W) continue;
            want += x[((b * H + i) * W + j) * C + c]! * dy[((b * g.outHeight + oh) * g.outWidth + ow) * Co + co]!;
          }
          expect(got).toBeCloseTo(want, 4);
        }
      }
    });
  }
});
