import { describe, expect, it } from 'vitest';
import { SYNTHETIC_AUS } from './action-units.js';
import { sampleIntensitySequence } from './intensity-sequence.js';
import { syntheticRng } from './rng.js';

const A = SYNTHETIC_AUS.length;
const ix = (au: number): number => SYNTHETIC_AUS.indexOf(au);

/** 60 subjects × 150 frames of labels, rows = frames. */
function corpus(seed: number): { rows: number[][]; continuous: Float32Array[] } {
  const rng = syntheticRng(seed);
  const rows: number[][] = [];
  const continuous: Float32Array[] = [];
  for (let s = 0; s < 60; s++) {
    const q = sampleIntensitySequence(rng, 150);
    continuous.push(q.continuous);
    for (let f = 0; f < q.frames; f++) rows.push(Array.from(q.labels.subarray(f * A, f * A + A)));
  }
  return { rows, continuous };
}

function pearson(xs: number[], ys: number[]): number {
  const mx = xs.reduce((s, v) => s + v, 0) / xs.length;
  const my = ys.reduce((s, v) => s + v, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

const { rows, continuous } = corpus(11);
const column = (au: number): number[] => rows.map((r) => r[ix(au)]);

describe('sampleIntensitySequence', () => {
  it('is mostly neutral: 45–70 % of frames have every AU at 0', () => {
    const neutral = rows.filter((r) => r.every((v) => v === 0)).length / rows.length;
    expect(neutral).toBeGreaterThan(0.45);
    expect(neutral).toBeLessThan(0.7);
  });

  it('codes every AU at every level 1–5 somewhere', () => {
    for (const au of SYNTHETIC_AUS) {
      const levels = new Set(column(au));
      for (let v = 0; v <= 4; v++) expect(levels.has(v), `AU${au} level ${v}`).toBe(true);
    }
    expect(rows.some((r) => r.includes(5))).toBe(true);
  });

  it('makes AUs co-occur as in spontaneous data (6~12, 1~2, 25~26, 4~9) but not unrelated ones', () => {
    expect(pearson(column(6), column(12))).toBeGreaterThan(0.6);
    expect(pearson(column(1), column(2))).toBeGreaterThan(0.5);
    expect(pearson(column(25), column(26))).toBeGreaterThan(0.3);
    expect(pearson(column(4), column(9))).toBeGreaterThan(0.15);
    expect(Math.abs(pearson(column(12), column(4)))).toBeLessThan(0.15);
  });

  it('evolves smoothly: frame-to-frame changes are far smaller than changes between random frames', () => {
    let step = 0;
    let jump = 0;
    let n = 0;
    for (const q of continuous) {
      const frames = q.length / A;
      for (let f = 1; f < frames; f++) {
        const g = (f * 7919) % frames;
        for (let a = 0; a < A; a++) {
          step += Math.abs(q[f * A + a] - q[(f - 1) * A + a]);
          jump += Math.abs(q[f * A + a] - q[g * A + a]);
          n++;
        }
      }
    }
    expect(step / n).toBeLessThan(0.5 * (jump / n));
    for (const q of continuous) for (let k = A; k < q.length; k++) expect(Math.abs(q[k] - q[k - A])).toBeLessThan(2.6);
  });

  it('labels are the continuous intensities rounded half up, integers in 0–5', () => {
    const q = sampleIntensitySequence(syntheticRng(4), 300);
    for (let k = 0; k < q.labels.length; k++) {
      expect(q.continuous[k]).toBeGreaterThanOrEqual(0);
      expect(q.continuous[k]).toBeLessThanOrEqual(5);
      expect(q.labels[k]).toBe(Math.floor(q.continuous[k] + 0.5));
    }
  });

  it('is deterministic by seed', () => {
    expect(sampleIntensitySequence(syntheticRng(9), 80).continuous).toEqual(sampleIntensitySequence(syntheticRng(9), 80).continuous);
    expect(sampleIntensitySequence(syntheticRng(9), 80).continuous).not.toEqual(sampleIntensitySequence(syntheticRng(10), 80).continuous);
  });

  it('rejects a bad frame count', () => {
    expect(() => sampleIntensitySequence(syntheticRng(1), 0)).toThrow(/frames must be a positive integer, got 0/);
    expect(() => sampleIntensitySequence(syntheticRng(1), 2.5)).toThrow(/frames/);
  });
});
