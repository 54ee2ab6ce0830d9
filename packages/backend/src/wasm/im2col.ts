// Transposed im2col for NHWC convolutions: one row per filter tap and input channel,
// one column per output pixel. With it a convolution's filter gradient is one
// untransposed matrix product in which the big operand is the left one: wasm's
// BatchMatMul (XNNPACK fully-connected) repacks its right operand on every call, so a
// big right operand costs 2–3× (measured: 48×16384·16384×432 66 ms, 432×16384·16384×48 25 ms).

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

/**
 * Transposed im2col: writes `colᵀ`, `(KH·KW·C) × (n·OH·OW)` row-major, for images
 * `[batchStart, batchStart + n)` to `dst[dstStart …]`, reading `xᵀ` — the input in
 * channel-major layout `C×B×H×W` (i.e. the transpose of `x` seen as `(B·H·W) × C`)
 * at `src[xtStart]`, with `batch` = B. Row `(kh·KW + kw)·C + c`, column `(b·OH + oh)·OW + ow`
 * holds `x[b, oh·s_h − pad_top + kh·d_h, ow·s_w − pad_left + kw·d_w, c]` (0 outside).
 * With it the filter gradient is `colᵀ · dy`, untransposed. `src` and `dst` may be the
 * same array if the regions do not overlap.
 */
export function im2colTransposed(
  src: Float32Array,
  xtStart: number,
  batch: number,
  dst: Float32Array,
  dstStart: number,
  g: ConvGeometry,
  batchStart: number,
  n: number,
): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = g;
  const { dilationHeight: dh, dilationWidth: dw, padTop, padLeft } = g;
  const rowLength = n * OH * OW;
  const sameArray = src === dst;
  let d = dstStart;
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const shiftW = kw * dw - padLeft;
      // Output columns whose input column iw = ow·sw + shiftW lies inside [0, W).
      const owLo = Math.min(OW, Math.max(0, Math.ceil(-shiftW / sw)));
      const owHi = Math.max(owLo, Math.min(OW, Math.floor((W - 1 - shiftW) / sw) + 1));
      for (let c = 0; c < C; c++) {
        const channel = xtStart + c * batch * H * W;
        for (let b = batchStart; b < batchStart + n; b++) {
          const image = channel + b * H * W;
          for (let oh = 0; oh < OH; oh++) {
            const ih = oh * sh - padTop + kh * dh;
            if (ih < 0 || ih >= H) {
              dst.fill(0, d, d + OW);
              d += OW;
              continue;
            }
            if (owLo > 0) dst.fill(0, d, d + owLo);
            const s0 = image + ih * W + owLo * sw + shiftW;
            if (sw === 1) {
              if (sameArray) dst.copyWithin(d + owLo, s0, s0 + (owHi - owLo));
              else dst.set(src.subarray(s0, s0 + (owHi - owLo)), d + owLo);
            } else {
              for (let ow = owLo, s = s0; ow < owHi; ow++, s += sw) dst[d + ow] = src[s]!;
            }
            if (owHi < OW) dst.fill(0, d + owHi, d + OW);
            d += OW;
          }
        }
      }
    }
  }
  if (d - dstStart !== KH * KW * C * rowLength) throw new Error('im2colTransposed: internal size mismatch');
}
