// Matrix products and direct convolutions on the wasm heap, tile by tile with the FMA
// kernels (tile-kernels.ts). Addresses are float32 indices into the heap; the caller owns
// every buffer, including `scratch`.
import type { ConvGeometry } from '../phase-grid.js';
import { packPanels, panelWidths } from './packed-panels.js';
import { TILE_ROWS } from './tile-kernels.js';
import type { TileKernels } from './tile-runtime.js';

/**
 * Reduction length per pass of a long product or a wide filter: 6 rows (12 KiB) and one
 * panel (16 KiB) stay in L1 (a 3×3×192 filter unblocked: 37 against 45 GFLOP/s).
 */
export const K_BLOCK = 512;

/** Epilogue of a product: `bias` (float index of N values) then ReLU, both optional. */
export interface Epilogue {
  bias?: number;
  relu?: boolean;
}

/**
 * Adds the bias to each of `rows` rows of N values at `c` and/or clamps them at 0 — a pass of
 * its own: fused into the tiles it halved their speed (tile-kernels.ts).
 */
export function applyEpilogue(heap: Float32Array, c: number, rows: number, n: number, epilogue: Epilogue): void {
  const { bias, relu } = epilogue;
  if (bias == null && !relu) return;
  for (let r = 0, at = c; r < rows; r++) {
    for (let j = 0; j < n; j++, at++) {
      let v = heap[at]!;
      if (bias != null) v += heap[bias + j]!;
      heap[at] = relu && v < 0 ? 0 : v;
    }
  }
}

/** Floats of scratch `tileMatMul` needs. */
export const matMulScratchFloats = (k: number, n: number) => k * n;

/**
 * C (M×N, row stride N) = A (M×K, row stride K) · B (K×N, row stride N), then the epilogue.
 * `scratch`: matMulScratchFloats(K, N) floats. N must be a multiple of 4.
 */
export function tileMatMul(
  heap: Float32Array, kernels: TileKernels,
  a: number, b: number, c: number, m: number, k: number, n: number,
  scratch: number, epilogue: Epilogue = {},
): void {
  const panels = packPanels(heap, b, k, n, n, scratch);
  const widths = panelWidths(n);
  for (let k0 = 0; k0 < k; k0 += K_BLOCK) {
    const kc = Math.min(K_BLOCK, k - k0);
    const accumulate = k0 > 0 ? 1 : 0;
    for (let i = 0; i < m; i += TILE_ROWS) {
      const rows = Math.min(TILE_ROWS, m - i);
      const rowA = 4 * (a + i * k + k0);
      let column = 0;
      for (let p = 0; p < panels.length; p++) {
        const width = widths[p] as 8 | 4;
        kernels.tiles[width][rows]!(rowA, 4 * k, kc, 4 * (panels[p]! + k0 * width), 4 * (c + i * n + column), 4 * n, accumulate);
        column += width;
      }
    }
  }
  applyEpilogue(heap, c, m, n, epilogue);
}

/**
 * A direct convolution's geometry: phase-grid.ts's ConvGeometry with the input already
 * zero-padded (`paddedHeight × paddedWidth`, so no pad offsets), plus batch and C_out.
 */
export interface TileConvGeometry extends Omit<ConvGeometry, 'inHeight' | 'inWidth' | 'padTop' | 'padLeft'> {
  batch: number;
  paddedHeight: number;
  paddedWidth: number;
  outChannels: number;
}

/** Floats of scratch `tileConv2d` needs. */
export function convScratchFloats(g: TileConvGeometry): number {
  const taps = g.filterHeight * g.filterWidth;
  return taps + taps * g.inChannels * g.outChannels + TILE_ROWS * taps * g.inChannels;
}

/**
 * y (B×OH×OW×C_out) = conv(x, w), then the epilogue; x is the zero-padded input
 * (B×Hp×Wp×C_in: no tap leaves it), w the filter (KH×KW×C_in×C_out = a (KH·KW·C_in)×C_out
 * matrix). Each output row is cut into tiles of 6 pixels; a tile's receptive fields are
 * gathered into 6 contiguous rows of KH·KW·C_in values, and every filter panel passes
 * over them. `scratch`: convScratchFloats(g) floats.
 */
export function tileConv2d(
  heap: Float32Array, kernels: TileKernels, x: number, w: number, y: number,
  g: TileConvGeometry, scratch: number, epilogue: Epilogue = {},
): void {
  const taps = g.filterHeight * g.filterWidth;
  const k = taps * g.inChannels;
  const n = g.outChannels;
  const tapTable = scratch;
  const ints = new Int32Array(heap.buffer, heap.byteOffset);
  for (let dy = 0; dy < g.filterHeight; dy++) {
    for (let dx = 0; dx < g.filterWidth; dx++) {
      ints[tapTable + dy * g.filterWidth + dx] = 4 * g.inChannels * (dy * g.dilationHeight * g.paddedWidth + dx * g.dilationWidth);
    }
  }
  const panels = packPanels(heap, w, k, n, n, scratch + taps);
  const rowsA = scratch + taps + k * n;
  const widths = panelWidths(n);
  const pixelStride = 4 * g.strideWidth * g.inChannels;
  // 1×1 stride-1 filters read the input rows as they are.
  const direct = taps === 1 && g.strideWidth === 1;
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outHeight; oy++) {
      const inRow = x + ((b * g.paddedHeight + oy * g.strideHeight) * g.paddedWidth) * g.inChannels;
      const outRow = y + ((b * g.outHeight + oy) * g.outWidth) * n;
      for (let ox = 0; ox < g.outWidth; ox += TILE_ROWS) {
        const rows = Math.min(TILE_ROWS, g.outWidth - ox);
        const source = 4 * (inRow + ox * g.strideWidth * g.inChannels);
        let a = 4 * rowsA;
        if (direct) a = source;
        else kernels.gather(a, source, pixelStride, 4 * tapTable, taps, 4 * g.inChannels, rows);
        const c = outRow + ox * n;
        const aRowStride = direct ? pixelStride : 4 * k;
        for (let k0 = 0; k0 < k; k0 += K_BLOCK) {
          const kc = Math.min(K_BLOCK, k - k0);
          let column = 0;
          for (let p = 0; p < panels.length; p++) {
            const width = widths[p] as 8 | 4;
            kernels.tiles[width][rows]!(a + 4 * k0, aRowStride, kc, 4 * (panels[p]! + k0 * width), 4 * (c + column), 4 * n, k0 > 0 ? 1 : 0);
            column += width;
          }
        }
      }
    }
  }
  applyEpilogue(heap, y, g.batch * g.outHeight * g.outWidth, n, epilogue);
}
