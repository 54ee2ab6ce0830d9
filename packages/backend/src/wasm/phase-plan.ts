// Index plan for computing Conv2DBackpropInput as ONE stride-1 forward convolution
// followed by DepthToSpace (the "sub-pixel" form of a transposed convolution).
//
// Along one axis the forward conv is  y[o] = Σ_k x[o·s + k − p] · w[k].  Its input
// gradient is  dx[i] = Σ_{o,k : o·s + k − p = i} dy[o] · w[k].  Split i by phase,
// i = s·m + r (0 ≤ r < s): then k ≡ r + p (mod s), k = c_r + s·a, o = m + q_r − a with
// c_r = (r + p) mod s, q_r = ⌊(r + p)/s⌋. So every phase r is a stride-1 correlation of
// dy with a sub-filter; all phases read dy offsets (relative to m) inside one common
// window [start, start + length). Laying the s phases side by side as output channels
// gives a single stride-1 conv that XNNPACK runs fast, and DepthToSpace interleaves the
// phases back into dx.

/** How one spatial axis of a transposed convolution maps onto the phase convolution. */
export interface AxisPhasePlan {
  /** dy offset (relative to m) of the window's first position; ≤ 0. */
  windowStart: number;
  /** Window length = the phase convolution's filter size along this axis. */
  windowLength: number;
  /** Zero padding of dy before / after along this axis for the phase convolution. */
  padBefore: number;
  padAfter: number;
  /** Output length of the phase convolution (≥ ⌈inSize / stride⌉). */
  phaseLength: number;
  /** `taps[r][t]` = forward filter index that feeds phase r from window position t, or −1. */
  taps: number[][];
  /** Phases that receive any gradient (all but those a filter smaller than the stride skips). */
  live: number[];
}

/**
 * Plans one axis. `inSize` is the forward conv's input length (= dx length), `outSize`
 * its output length (= dy length), `padBefore` the forward conv's leading zero padding.
 */
export function planAxis(
  inSize: number,
  outSize: number,
  filterSize: number,
  stride: number,
  padBefore: number,
): AxisPhasePlan {
  for (const [name, v, min] of [
    ['inSize', inSize, 1],
    ['outSize', outSize, 1],
    ['filterSize', filterSize, 1],
    ['stride', stride, 1],
    ['padBefore', padBefore, 0],
  ] as const) {
    if (!Number.isInteger(v) || v < min) {
      throw new Error(`planAxis: ${name} must be an integer ≥ ${min}, got ${v}`);
    }
  }
  const pairs: { offset: number; k: number }[][] = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (let r = 0; r < stride; r++) {
    const c = (r + padBefore) % stride;
    const q = Math.floor((r + padBefore) / stride);
    const list: { offset: number; k: number }[] = [];
    for (let a = 0; c + stride * a < filterSize; a++) {
      const offset = q - a;
      list.push({ offset, k: c + stride * a });
      lo = Math.min(lo, offset);
      hi = Math.max(hi, offset);
    }
    pairs.push(list);
  }
  if (lo > 0) {
    throw new Error(
      `planAxis: padding ${padBefore} ≥ filter size ${filterSize} is not supported by the phase plan`,
    );
  }
  const windowLength = hi - lo + 1;
  const needed = Math.ceil(inSize / stride);
  const padBeforeDy = -lo;
  const padAfterDy = Math.max(0, needed - 1 + hi - (outSize - 1));
  const phaseLength = outSize + padBeforeDy + padAfterDy - windowLength + 1;
  const taps = pairs.map((list) => {
    const row = new Array<number>(windowLength).fill(-1);
    for (const { offset, k } of list) row[offset - lo] = k;
    return row;
  });
  const live = taps.flatMap((row, r) => (row.some((k) => k >= 0) ? [r] : []));
  return {
    live,
    windowStart: lo,
    windowLength,
    padBefore: padBeforeDy,
    padAfter: padAfterDy,
    phaseLength,
    taps,
  };
}

/**
 * The phase convolution's filter, `L_h×L_w×C_out×(P_h·P_w·C_in)`, from the forward filter
 * `K_h×K_w×C_in×C_out` (both row-major, channels last), P = number of live phases per axis.
 * Output channel `(i_h·P_w + i_w)·C_in + c` is live phase (live_h[i_h], live_w[i_w]) of input
 * channel c (with all phases live: the order DepthToSpace expects). Positions that feed no
 * tap are 0.
 */
export function phaseFilter(
  filter: Float32Array,
  shape: readonly [number, number, number, number],
  rows: AxisPhasePlan,
  cols: AxisPhasePlan,
  out: Float32Array,
): void {
  const [kh, kw, cin, cout] = shape;
  const sh = rows.live.length;
  const sw = cols.live.length;
  const outChannels = sh * sw * cin;
  const lh = rows.windowLength;
  const lw = cols.windowLength;
  if (filter.length !== kh * kw * cin * cout) {
    throw new Error(`phaseFilter: filter has ${filter.length} values, shape needs ${kh * kw * cin * cout}`);
  }
  if (out.length !== lh * lw * cout * outChannels) {
    throw new Error(`phaseFilter: out has ${out.length} values, needs ${lh * lw * cout * outChannels}`);
  }
  out.fill(0);
  for (let th = 0; th < lh; th++) {
    for (let tw = 0; tw < lw; tw++) {
      for (let rh = 0; rh < sh; rh++) {
        const fh = rows.taps[rows.live[rh]!]![th]!;
        if (fh < 0) continue;
        for (let rw = 0; rw < sw; rw++) {
          const fw = cols.taps[cols.live[rw]!]![tw]!;
          if (fw < 0) continue;
          const channelBase = (rh * sw + rw) * cin;
          const src = (fh * kw + fw) * cin * cout;
          const dstTap = (th * lw + tw) * cout * outChannels;
          for (let ci = 0; ci < cin; ci++) {
            const srcRow = src + ci * cout;
            const dst = dstTap + channelBase + ci;
            for (let co = 0; co < cout; co++) {
              out[dst + co * outChannels] = filter[srcRow + co]!;
            }
          }
        }
      }
    }
  }
}

/**
 * Interleaves the phase convolution's output `B×M_h×M_w×(P_h·P_w·C)` (at `heap[src]`) into
 * dx `B×H×W×C` (at `heap[dst]`): `dx[b, s·m + live_h[i], s·n + live_w[j], c] =
 * phases[b, m, n, (i·P_w + j)·C + c]`, zeros at phases that are not live, dropping
 * rows/columns ≥ H/W. With every phase live this equals DepthToSpace(s) + crop, but copies
 * runs of `s·C` contiguous values (wasm's DepthToSpace takes ≈70 ms for 2M values).
 */
export function interleavePhases(
  heap: Float32Array,
  src: number,
  phaseShape: readonly [number, number, number, number],
  stride: number,
  dxShape: readonly [number, number, number],
  dst: number,
  liveRows: readonly number[] = [...Array(stride).keys()],
  liveCols: readonly number[] = [...Array(stride).keys()],
): void {
  const [B, Mh, Mw, phaseChannels] = phaseShape;
  const [H, W, C] = dxShape;
  if (phaseChannels !== liveRows.length * liveCols.length * C || Mh * stride < H || Mw * stride < W) {
    throw new Error(`interleavePhases: phases ${phaseShape.join('×')} cannot fill dx ${dxShape.join('×')} at stride ${stride}`);
  }
  const allColumnsLive = liveCols.length === stride;
  if (liveRows.length < stride || !allColumnsLive) heap.fill(0, dst, dst + B * H * W * C);
  const wholeColumns = Math.floor(W / stride);
  const tailColumns = W - wholeColumns * stride;
  const run = stride * C;
  for (let b = 0; b < B; b++) {
    for (let m = 0; m < Mh; m++) {
      for (let i = 0; i < liveRows.length; i++) {
        const row = m * stride + liveRows[i]!;
        if (row >= H) break;
        const srcRow = src + ((b * Mh + m) * Mw) * phaseChannels + i * liveCols.length * C;
        const dstRow = dst + ((b * H + row) * W) * C;
        if (allColumnsLive) {
          let s = srcRow;
          let d = dstRow;
          for (let n = 0; n < wholeColumns; n++, s += phaseChannels, d += run) heap.copyWithin(d, s, s + run);
          if (tailColumns > 0) heap.copyWithin(d, s, s + tailColumns * C);
          continue;
        }
        for (let n = 0; n < Mw; n++) {
          for (let j = 0; j < liveCols.length; j++) {
            const col = n * stride + liveCols[j]!;
            if (col >= W) break;
            const s = srcRow + n * phaseChannels + j * C;
            heap.copyWithin(dstRow + col * C, s, s + C);
          }
        }
      }
    }
  }
}

/** One phase's own window: the part of the common window whose positions feed that phase. */
export interface PhaseWindow {
  /** First position (in the common window) and length of the phase's own window. */
  first: number;
  length: number;
  /** dy zero padding for this phase's own convolution. */
  padBefore: number;
  padAfter: number;
  /** dx positions with this phase: ⌈(inSize − r) / stride⌉. */
  count: number;
}

/**
 * Phase r's own window along one axis, for running each phase as its own (exact-size)
 * convolution, or null when the phase gets no gradient or would need negative padding.
 */
export function phaseWindow(plan: AxisPhasePlan, r: number, inSize: number, outSize: number): PhaseWindow | null {
  const row = plan.taps[r];
  if (row == null) throw new Error(`phaseWindow: phase ${r} is outside 0…${plan.taps.length - 1}`);
  const stride = plan.taps.length;
  const first = row.findIndex((k) => k >= 0);
  if (first < 0) return null;
  let last = row.length - 1;
  while (row[last]! < 0) last--;
  const padBefore = plan.padBefore - first;
  if (padBefore < 0) return null;
  const count = Math.ceil((inSize - r) / stride);
  const lastOffset = plan.windowStart + last;
  return { first, length: last - first + 1, padBefore, padAfter: Math.max(0, count - 1 + lastOffset - (outSize - 1)), count };
}

/**
 * Filter `L_h×L_w×C_out×C_in` of phase (r_h, r_w) alone, from the forward filter
 * `K_h×K_w×C_in×C_out`: `out[t_h, t_w, o, i] = filter[taps_h[first_h + t_h], taps_w[first_w + t_w], i, o]`.
 */
export function singlePhaseFilter(
  filter: Float32Array,
  shape: readonly [number, number, number, number],
  rows: AxisPhasePlan, rh: number, wh: PhaseWindow,
  cols: AxisPhasePlan, rw: number, ww: PhaseWindow,
  out: Float32Array,
): void {
  const [, kw, cin, cout] = shape;
  if (out.length !== wh.length * ww.length * cout * cin) {
    throw new Error(`singlePhaseFilter: out has ${out.length} values, needs ${wh.length * ww.length * cout * cin}`);
  }
  for (let th = 0; th < wh.length; th++) {
    const fh = rows.taps[rh]![wh.first + th]!;
    for (let tw = 0; tw < ww.length; tw++) {
      const fw = cols.taps[rw]![ww.first + tw]!;
      const dst = (th * ww.length + tw) * cout * cin;
      if (fh < 0 || fw < 0) {
        out.fill(0, dst, dst + cout * cin);
        continue;
      }
      const src = (fh * kw + fw) * cin * cout;
      for (let ci = 0; ci < cin; ci++) {
        for (let co = 0; co < cout; co++) out[dst + co * cin + ci] = filter[src + ci * cout + co]!;
      }
    }
  }
}

/**
 * Writes phase (r_h, r_w)'s convolution output `B×L_h'×L_w'×C` (at `heap[src]`, first
 * `countH × countW` pixels used) into dx `B×H×W×C` at rows `s·m + r_h`, columns `s·n + r_w`.
 */
export function scatterPhase(
  heap: Float32Array,
  src: number,
  phaseShape: readonly [number, number, number, number],
  stride: number,
  rh: number, rw: number,
  countH: number, countW: number,
  dxShape: readonly [number, number, number],
  dst: number,
): void {
  const [B, lh, lw, C] = phaseShape;
  const [H, W] = dxShape;
  if (C !== dxShape[2] || countH > lh || countW > lw || (countH - 1) * stride + rh >= H || (countW - 1) * stride + rw >= W) {
    throw new Error(`scatterPhase: phase ${phaseShape.join('×')} (${countH}×${countW} used) does not fit dx ${dxShape.join('×')}`);
  }
  for (let b = 0; b < B; b++) {
    for (let m = 0; m < countH; m++) {
      let s = src + ((b * lh + m) * lw) * C;
      let d = dst + ((b * H + m * stride + rh) * W + rw) * C;
      for (let n = 0; n < countW; n++, s += C, d += stride * C) heap.copyWithin(d, s, s + C);
    }
  }
}
