import { describe, expect, it } from 'vitest';
import type { VideoRow } from './openface-csv.js';
import { SeriesAdjustment, adjustRows } from './series-adjustment.js';

const row = (frame: number, faceId: number, aus: number[] | null): VideoRow => ({
  frame, faceId, timestamp: frame / 25, confidence: aus ? 0.9 : 0, success: aus ? 1 : 0, landmarks: aus ? new Float32Array(4) : null, aus: aus ? Float32Array.from(aus) : null,
});

describe('adjustRows', () => {
  it('calibrates each face by its own 20th percentile, leaves no-face rows and the input alone', () => {
    // face 0, AU a: 1, 2, 3, 4, 5 → 20th percentile at rank 0.8 = 1.8 → 0, 0.2, 1.2, 2.2, 3.2
    // face 1: constant 2 → 0 everywhere
    const rows = [row(1, 0, [1, 5]), row(1, 1, [2, 2]), row(2, 0, [2, 4]), row(3, 0, null), row(3, 0, [3, 3]), row(4, 0, [4, 2]), row(5, 0, [5, 1]), row(5, 1, [2, 2])];
    const out = adjustRows(rows, 2, { calibration: 'video', smooth: 1 });
    const face0 = out.filter((r) => r.faceId === 0 && r.aus).map((r) => Array.from(r.aus!));
    face0.forEach((v, t) => {
      expect(v[0]).toBeCloseTo([0, 0.2, 1.2, 2.2, 3.2][t]!, 5);
      expect(v[1]).toBeCloseTo([3.2, 2.2, 1.2, 0.2, 0][t]!, 5);
    });
    for (const r of out.filter((r) => r.faceId === 1)) expect(Array.from(r.aus!)).toEqual([0, 0]);
    expect(out[3]!.aus).toBeNull();
    expect(Array.from(rows[0]!.aus!)).toEqual([1, 5]);
  });

  it('smooths after calibrating, and none + 1 returns the rows unchanged', () => {
    const rows = [row(1, 0, [0]), row(2, 0, [3]), row(3, 0, [0])];
    // centred window 3, shrinking at the ends: (0+3)/2, (0+3+0)/3, (3+0)/2
    expect(adjustRows(rows, 1, { calibration: 'none', smooth: 3 }).map((r) => r.aus![0])).toEqual([1.5, 1, 1.5]);
    expect(adjustRows(rows, 1, { calibration: 'none', smooth: 1 })).toEqual(rows);
  });

  it('refuses a bad window and an add after adjust', () => {
    expect(() => new SeriesAdjustment(1, { calibration: 'none', smooth: 0 })).toThrow(/smooth window/);
    const s = new SeriesAdjustment(1, { calibration: 'video', smooth: 1 });
    s.add(row(1, 0, [1]));
    s.adjust(row(1, 0, [1]));
    expect(() => s.add(row(2, 0, [1]))).toThrow(/add every row first/);
  });
});
