import { describe, expect, it } from 'vitest';
import { im2colTransposed, type ConvGeometry } from './im2col.js';

function geometry(H: number, W: number, C: number, K: number, s: number, pad: number): ConvGeometry {
  const OH = Math.floor((H + 2 * pad - K) / s) + 1;
  const OW = Math.floor((W + 2 * pad - K) / s) + 1;
  return {
    inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW,
    filterHeight: K, filterWidth: K, strideHeight: s, strideWidth: s,
    dilationHeight: 1, dilationWidth: 1, padTop: pad, padLeft: pad,
  };
}

describe('im2colTransposed', () => {
  for (const [K, s, pad, C] of [[3, 1, 1, 2], [3, 2, 1, 3], [5, 2, 2, 1], [1, 2, 0, 4], [3, 1, 0, 20]] as const) {
    it(`matches the definition for ${K}×${K}, stride ${s}, pad ${pad}, ${C} channels`, () => {
      const [B, H, W] = [3, 7, 6];
      const g = geometry(H, W, C, K, s, pad);
      const x = (b: number, i: number, j: number, c: number) => 1 + b * 1000 + i * 100 + j * 10 + c * 0.1;
      // xᵀ: C×B×H×W
      const xt = new Float32Array(C * B * H * W);
      for (let c = 0; c < C; c++) for (let b = 0; b < B; b++) for (let i = 0; i < H; i++) for (let j = 0; j < W; j++)
        xt[((c * B + b) * H + i) * W + j] = x(b, i, j, c);
      const [b0, n] = [1, 2];
      const cols = n * g.outHeight * g.outWidth;
      const out = new Float32Array(K * K * C * cols).fill(NaN);
      im2colTransposed(xt, 0, B, out, 0, g, b0, n);
      for (let kh = 0; kh < K; kh++) for (let kw = 0; kw < K; kw++) for (let c = 0; c < C; c++)
        for (let b = 0; b < n; b++) for (let oh = 0; oh < g.outHeight; oh++) for (let ow = 0; ow < g.outWidth; ow++) {
          const [i, j] = [oh * s - pad + kh, ow * s - pad + kw];
          const want = i < 0 || i >= H || j < 0 || j >= W ? 0 : x(b0 + b, i, j, c);
          const got = out[((kh * K + kw) * C + c) * cols + (b * g.outHeight + oh) * g.outWidth + ow];
          expect(got).toBeCloseTo(want, 3);
        }
    });
  }
});
