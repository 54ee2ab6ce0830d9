// im2col for NHWC convolutions: one row per output pixel, holding the K_h·K_w·C input
// values its filter window sees (tap-major, channel-minor; zeros outside the image).
// With it a convolution's filter gradient is a single untransposed matrix product.

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
 * Writes the im2col rows of images `[batchStart, batchStart + batchCount)` of `x`
 * (`B×H×W×C`, starting at `src[xStart]`) to `dst` from `dstStart`:
 * `(batchCount·OH·OW) × (KH·KW·C)` row-major. `src` and `dst` may be the same array
 * (the wasm heap), as long as the regions do not overlap.
 */
export function im2col(
  src: Float32Array,
  xStart: number,
  dst: Float32Array,
  dstStart: number,
  g: ConvGeometry,
  batchStart: number,
  batchCount: number,
): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const { filterHeight: KH, filterWidth: KW, strideHeight: sh, strideWidth: sw } = g;
  const { dilationHeight: dh, dilationWidth: dw, padTop, padLeft } = g;
  const rowLength = KH * KW * C;
  const imageSize = H * W * C;
  const sameArray = src === dst;
  let d = dstStart;
  for (let b = batchStart; b < batchStart + batchCount; b++) {
    const image = xStart + b * imageSize;
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * sh - padTop;
      for (let ow = 0; ow < OW; ow++) {
        const iw0 = ow * sw - padLeft;
        for (let kh = 0; kh < KH; kh++) {
          const ih = ih0 + kh * dh;
          if (ih < 0 || ih >= H) {
            dst.fill(0, d, d + KW * C);
            d += KW * C;
            continue;
          }
          const rowStart = image + ih * W * C;
          for (let kw = 0; kw < KW; kw++) {
            const iw = iw0 + kw * dw;
            if (iw < 0 || iw >= W) {
              dst.fill(0, d, d + C);
            } else {
              const s = rowStart + iw * C;
              if (C >= 16) {
                if (sameArray) dst.copyWithin(d, s, s + C);
                else dst.set(src.subarray(s, s + C), d);
              } else {
                for (let c = 0; c < C; c++) dst[d + c] = src[s + c]!;
              }
            }
            d += C;
          }
        }
      }
    }
  }
  if (d - dstStart !== batchCount * OH * OW * rowLength) {
    throw new Error('im2col: internal size mismatch');
  }
}
