// "Phase-grid" im2col for the filter gradient. Split the zero-padded input into its s_h·s_w
// stride phases (space-to-depth) and lay each phase, per channel, out as one row over the
// grid b×Hs×Ws. Then filter tap (kh, kw) reads, for every output pixel, the phase
// (kh·d_h mod s_h, kw·d_w mod s_w) at a FIXED offset ⌊kh·d_h/s_h⌋·Ws + ⌊kw·d_w/s_w⌋ of the
// output pixel's grid index: each row of colᵀ is ONE contiguous copy, instead of one copy
// per image row. dy is laid on the same grid (zeros off the OH×OW corner), so grid points
// that are not output pixels add nothing. Cost: Hs·Ws/(OH·OW) more multiply-adds (1.13× at
// 32×32 for a 3×3 stride-1 filter), against a copy pass that is 10–20× cheaper.
/** Geometry of a 2-D convolution (NHWC), as tfjs' `computeConv2DInfo` reports it. */
export interface ConvGeometry {
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}


/** Sizes of the phase grid for one convolution. */
export interface PhaseGrid {
  /** Grid rows / columns per image: OH + ⌊(KH−1)·d_h / s_h⌋, OW + ⌊(KW−1)·d_w / s_w⌋. */
  rows: number;
  cols: number;
  /** Floats per (phase, channel) row of the phase tensor: B·rows·cols + the largest tap offset. */
  rowLength: number;
  /** Largest tap offset (grid positions). */
  maxOffset: number;
  /**
   * Slot of each row / column phase in the phase tensor, −1 for phases no tap reads
   * (a 1×1 filter at stride 2 reads only phase 0: the others are never written).
   */
  rowSlot: number[];
  colSlot: number[];
  /** Number of (row phase, column phase) pairs stored: used rows × used columns. */
  phases: number;
}

function slots(filterSize: number, dilation: number, stride: number): number[] {
  const slot = new Array<number>(stride).fill(-1);
  for (let k = 0; k < filterSize; k++) slot[(k * dilation) % stride] = 0;
  let next = 0;
  return slot.map((s) => (s < 0 ? -1 : next++));
}

export function phaseGrid(g: ConvGeometry, batch: number): PhaseGrid {
  const rows = g.outHeight + Math.floor(((g.filterHeight - 1) * g.dilationHeight) / g.strideHeight);
  const cols = g.outWidth + Math.floor(((g.filterWidth - 1) * g.dilationWidth) / g.strideWidth);
  const maxOffset = (rows - g.outHeight) * cols + (cols - g.outWidth);
  const rowSlot = slots(g.filterHeight, g.dilationHeight, g.strideHeight);
  const colSlot = slots(g.filterWidth, g.dilationWidth, g.strideWidth);
  const used = (slot: number[]) => slot.filter((s) => s >= 0).length;
  return {
    rows, cols, maxOffset, rowLength: batch * rows * cols + maxOffset,
    rowSlot, colSlot, phases: used(rowSlot) * used(colSlot),
  };
}

/**
 * Writes the phase tensor `(phases·C) × rowLength` to `dst[dstStart …]`: row
 * `(rowSlot[r_h]·usedColumnPhases + colSlot[r_w])·C + c`, position `(b·rows + i)·cols + j` holds
 * `x[b, i·s_h + r_h − pad_top, j·s_w + r_w − pad_left, c]` (0 outside x or past the grid).
 * `x` is `B×H×W×C` at `src[xStart]`.
 */
export function writePhaseTensor(
  src: Float32Array,
  xStart: number,
  batch: number,
  g: ConvGeometry,
  grid: PhaseGrid,
  dst: Float32Array,
  dstStart: number,
): void {
  const { inHeight: H, inWidth: W, inChannels: C, strideHeight: sh, strideWidth: sw, padTop, padLeft } = g;
  const { rows, cols, rowLength, rowSlot, colSlot } = grid;
  const usedCols = grid.phases / rowSlot.filter((x) => x >= 0).length;
  dst.fill(0, dstStart, dstStart + grid.phases * C * rowLength);
  for (let b = 0; b < batch; b++) {
    for (let ih = 0; ih < H; ih++) {
      const ph = ih + padTop; // row in the padded image
      const i = Math.floor(ph / sh);
      if (i >= rows) break;
      const slotH = rowSlot[ph - i * sh]!;
      if (slotH < 0) continue;
      const gridRow = (b * rows + i) * cols;
      let s = xStart + ((b * H + ih) * W) * C;
      for (let iw = 0; iw < W; iw++, s += C) {
        const pw = iw + padLeft;
        const j = Math.floor(pw / sw);
        if (j >= cols) break;
        const slotW = colSlot[pw - j * sw]!;
        if (slotW < 0) continue;
        let d = dstStart + (slotH * usedCols + slotW) * C * rowLength + gridRow + j;
        for (let c = 0; c < C; c++, d += rowLength) dst[d] = src[s + c]!;
      }
    }
  }
}

/**
 * colᵀ `(KH·KW·C) × (n·rows·cols)` for images `[b0, b0 + n)` from the phase tensor at
 * `heap[phaseStart]`, to `heap[dstStart]`: row `(kh·KW + kw)·C + c` is one slice of the
 * phase row of (kh, kw)'s phase and channel c, shifted by the tap's offset.
 */
export function writeGridColumns(
  heap: Float32Array,
  phaseStart: number,
  g: ConvGeometry,
  grid: PhaseGrid,
  b0: number,
  n: number,
  dstStart: number,
): void {
  const { inChannels: C, filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = g;
  const usedCols = grid.phases / grid.rowSlot.filter((x) => x >= 0).length;
  const length = n * grid.rows * grid.cols;
  const first = b0 * grid.rows * grid.cols;
  let d = dstStart;
  for (let kh = 0; kh < KH; kh++) {
    const eh = kh * g.dilationHeight;
    const rh = eh % sh;
    const oh = Math.floor(eh / sh);
    for (let kw = 0; kw < KW; kw++) {
      const ew = kw * g.dilationWidth;
      const rw = ew % sw;
      const offset = oh * grid.cols + Math.floor(ew / sw);
      const slot = grid.rowSlot[rh]! * usedCols + grid.colSlot[rw]!;
      const phaseRow = phaseStart + slot * C * grid.rowLength + first + offset;
      for (let c = 0; c < C; c++, d += length) {
        const s = phaseRow + c * grid.rowLength;
        heap.copyWithin(d, s, s + length);
      }
    }
  }
}

/**
 * dy `B×OH×OW×C_out` (at `heap[dyStart]`), images `[b0, b0 + n)`, laid on the grid:
 * `(n·rows·cols) × C_out` at `heap[dstStart]`, zeros where the grid has no output pixel.
 */
export function writeGridGradient(
  heap: Float32Array,
  dyStart: number,
  g: ConvGeometry,
  outChannels: number,
  grid: PhaseGrid,
  b0: number,
  n: number,
  dstStart: number,
): void {
  const { outHeight: OH, outWidth: OW } = g;
  const run = OW * outChannels;
  heap.fill(0, dstStart, dstStart + n * grid.rows * grid.cols * outChannels);
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const s = dyStart + ((b0 + b) * OH + oh) * run;
      heap.copyWithin(dstStart + ((b * grid.rows + oh) * grid.cols) * outChannels, s, s + run);
    }
  }
}
