import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadAddon } from '../addon.js';
import { countAddonCalls, expectSameAsCpu, input, nativeReady, runOn } from '../test-helpers.js';
import { convDims } from './convolution.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case {
  batch: number;
  height: number;
  width: number;
  inC: number;
  outC: number;
  kernel: number;
  stride: number;
  pad: Pad;
  dilation?: number;
}

const cases: Case[] = [
  { batch: 1, height: 8, width: 8, inC: 1, outC: 1, kernel: 3, stride: 1, pad: 'same' },
  { batch: 2, height: 9, width: 9, inC: 3, outC: 8, kernel: 3, stride: 2, pad: 'same' },
  { batch: 4, height: 7, width: 7, inC: 16, outC: 16, kernel: 5, stride: 1, pad: 'valid' },
  { batch: 1, height: 10, width: 10, inC: 8, outC: 4, kernel: 3, stride: 1, pad: [[0, 0], [1, 2], [2, 1], [0, 0]] },
  { batch: 32, height: 6, width: 6, inC: 4, outC: 8, kernel: 1, stride: 1, pad: 'valid' },
  { batch: 2, height: 8, width: 8, inC: 64, outC: 64, kernel: 3, stride: 1, pad: 'same' },
  { batch: 2, height: 12, width: 10, inC: 7, outC: 9, kernel: 5, stride: 2, pad: 'same' },
  { batch: 1, height: 9, width: 9, inC: 3, outC: 5, kernel: 3, stride: 2, pad: 'valid' },
  { batch: 2, height: 9, width: 8, inC: 6, outC: 3, kernel: 3, stride: 3, pad: 'same' },
  { batch: 3, height: 16, width: 16, inC: 32, outC: 48, kernel: 1, stride: 2, pad: 'same' },
  // strided 1×1 at batch 1: oneDNN 2.6.3's jit_1x1 backward-weights kernel corrupts the heap here
  { batch: 1, height: 32, width: 32, inC: 8, outC: 12, kernel: 1, stride: 2, pad: 'same' },
];

const dilated: Case[] = [
  { batch: 3, height: 11, width: 11, inC: 5, outC: 6, kernel: 3, stride: 1, pad: 'same', dilation: 2 },
  { batch: 1, height: 12, width: 12, inC: 2, outC: 3, kernel: 5, stride: 1, pad: 'valid', dilation: 2 },
];

function name(c: Case): string {
  const pad = typeof c.pad === 'string' ? c.pad : 'explicit';
  return `B${c.batch} ${c.height}×${c.width}×${c.inC}→${c.outC} k${c.kernel} s${c.stride} ${pad} d${c.dilation ?? 1}`;
}

function specs(c: Case, seed: number) {
  return [
    input([c.batch, c.height, c.width, c.inC], seed),
    input([c.kernel, c.kernel, c.inC, c.outC], seed + 1),
  ];
}

describe.skipIf(!nativeReady)('native Conv2D matches cpu', () => {
  for (const c of [...cases, ...dilated]) {
    it(`forward ${name(c)}`, () => {
      expectSameAsCpu(specs(c, 11), (x, w) =>
        tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad, 'NHWC', c.dilation ?? 1),
      );
    });
  }

  for (const c of cases) {
    it(`gradients (x and filter) ${name(c)}`, () => {
      const probe = (x: tf.Tensor, w: tf.Tensor) => {
        const y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad);
        // A fixed, non-uniform upstream gradient, so dy is not all ones.
        const weights = tf.sin(tf.range(0, y.size).reshape(y.shape));
        return tf.sum(tf.mul(y, weights));
      };
      expectSameAsCpu(specs(c, 23), (x, w) => tf.grads(probe)([x!, w!]));
    });
  }

  for (const activation of ['linear', 'relu', 'relu6', 'leakyrelu', 'elu', 'sigmoid'] as const) {
    it(`FusedConv2D with bias and ${activation}`, () => {
      const c = cases[1]!;
      expectSameAsCpu([...specs(c, 31), input([c.outC], 33)], (x, w, b) =>
        tf.fused.conv2d({
          x: x as tf.Tensor4D,
          filter: w as tf.Tensor4D,
          strides: c.stride,
          pad: c.pad,
          bias: b,
          activation,
          leakyreluAlpha: 0.1,
        }),
      );
    });
  }

  it('FusedConv2D gradients with bias and relu', () => {
    const c = cases[6]!;
    const probe = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
      tf.sum(
        tf.square(
          tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: c.stride, pad: c.pad, bias: b, activation: 'relu' }),
        ),
      );
    expectSameAsCpu([...specs(c, 41), input([c.outC], 43)], (x, w, b) => tf.grads(probe)([x!, w!, b!]));
  });

  it('runs the addon for forward, input gradient and filter gradient', () => {
    const c = cases[1]!;
    const counts = countAddonCalls(loadAddon().addon!, () => {
      runOn('native', specs(c, 5), (x, w) =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')))([x!, w!]),
      );
    });
    expect(counts.conv2d).toBeGreaterThanOrEqual(1);
    expect(counts.conv2dBackpropInput).toBe(1);
    expect(counts.conv2dBackpropFilter).toBe(1);
  });

  it('falls back to cpu for NCHW (and still matches)', () => {
    // tfjs's cpu conv2d accepts NCHW only through its own transposes; the result must agree.
    expectSameAsCpu([input([1, 3, 6, 6], 3), input([3, 3, 3, 2], 4)], (x, w) =>
      tf.conv2d(tf.transpose(x!, [0, 2, 3, 1]) as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'),
    );
  });
});

describe.skipIf(!nativeReady)('the reordered-filter cache', () => {
  it('reuses a filter across calls and never serves stale weights from a recycled buffer', async () => {
    await tf.setBackend('native');
    const pool = (tf.backend() as unknown as { pool: { stats: { reused: number } } }).pool;
    const before = tf.memory().numTensors;
    const x = tf.tensor(input([2, 8, 8, 16], 1).values, [2, 8, 8, 16]) as tf.Tensor4D;
    const base = tf.tensor(input([3, 3, 16, 32], 2).values, [3, 3, 16, 32]) as tf.Tensor4D;
    const reference = tf.conv2d(x, base, 1, 'same');
    const expected = reference.dataSync().slice();
    const reusedBefore = pool.stats.reused;
    for (const scale of [-2, 3, 0.5]) {
      // a native op's output: each scaled filter lands in the buffer the last one released
      const filter = tf.mul(base, scale) as tf.Tensor4D;
      for (let call = 0; call < 2; call++) {
        const out = tf.conv2d(x, filter, 1, 'same');
        const dx = tf.conv2dTranspose(out, filter, [2, 8, 8, 16], 1, 'same');
        const got = out.dataSync();
        got.forEach((v, i) => expect(Math.abs(v - scale * expected[i]!)).toBeLessThanOrEqual(1e-4 * Math.abs(scale) * (Math.abs(expected[i]!) + 1)));
        expect(dx.dataSync().every(Number.isFinite)).toBe(true);
        tf.dispose([out, dx]);
      }
      filter.dispose();
    }
    expect(pool.stats.reused).toBeGreaterThan(reusedBefore);
    tf.dispose([x, base, reference]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe.skipIf(!nativeReady)('one reordered copy of a filter for every batch size', () => {
  it('shares the copy among the plans of one layer (a server runs each layer at batch 1 to 8)', async () => {
    await tf.setBackend('native');
    const { addon } = loadAddon();
    const before = addon!.convolutionCacheStats();
    const filter = tf.tensor(input([3, 3, 16, 32], 5).values, [3, 3, 16, 32]) as tf.Tensor4D;
    const filterBytes = 3 * 3 * 16 * 32 * 4;
    for (let batch = 1; batch <= 6; batch++) {
      const x = tf.tensor(input([batch, 10, 10, 16], batch).values, [batch, 10, 10, 16]) as tf.Tensor4D;
      tf.dispose([tf.conv2d(x, filter, 1, 'same'), x]);
    }
    const after = addon!.convolutionCacheStats();
    filter.dispose();
    expect(after.plans - before.plans).toBe(6); // one plan per batch size
    // oneDNN may pick another blocked layout for some batch sizes: at most a copy per layout
    expect(after.filters - before.filters).toBeGreaterThanOrEqual(0);
    expect(after.filters - before.filters).toBeLessThanOrEqual(2);
    // each plan kept its own copy before: 6 × filterBytes
    expect(after.filterBytes - before.filterBytes).toBeLessThanOrEqual(2 * (filterBytes + 64));
  });
});

describe('convDims', () => {
  it('packs tfjs conv info into the addon layout and rejects inexpressible padding', () => {
    const info = tf.backend_util.computeConv2DInfo([2, 9, 9, 3], [3, 3, 3, 8], 2, 1, 'same');
    expect(Array.from(convDims(info)!)).toEqual([2, 9, 9, 3, 3, 3, 8, 5, 5, 2, 2, 1, 1, 1, 1, 1, 1, 1]);
    const ceil = tf.backend_util.computeConv2DInfo([1, 6, 6, 1], [3, 3, 1, 1], 2, 1, 0, 'ceil');
    // ceil rounding gives an output oneDNN's floor rule cannot reproduce: cpu must run it
    expect(ceil.outHeight).toBe(3);
    expect(convDims(ceil)).toBeNull();
  });
});
