import { auReport } from './au-report.js';
import { stratifiedBootstrapInterval, type BootstrapInterval, type BootstrapOptions } from './bootstrap.js';
import { readTable } from './input-checks.js';

/**
 * Held-out frames of one evaluation: `frames × A` predictions and truth (NaN = missing) and
 * the identity (subject) of each frame, the unit the bootstrap resamples.
 */
export interface HeldOutFrames {
  predictions: ReadonlyArray<ArrayLike<number>>;
  truth: ReadonlyArray<ArrayLike<number>>;
  identities: readonly string[];
}

/** Two models' predictions on the same held-out frames (a paired comparison). */
export interface PairedHeldOutFrames {
  /** `frames × A`, model A (e.g. G2RL). */
  predictionsA: ReadonlyArray<ArrayLike<number>>;
  /** `frames × A`, model B (e.g. the λ = 0 baseline), the same frames in the same order. */
  predictionsB: ReadonlyArray<ArrayLike<number>>;
  truth: ReadonlyArray<ArrayLike<number>>;
  identities: readonly string[];
}

/** The frame rows of each identity, identities in first-seen order. */
function framesByIdentity(identities: readonly string[], frames: number, fn: string): number[][] {
  if (!Array.isArray(identities) || identities.length !== frames) {
    throw new RangeError(`${fn}: identities has ${Array.isArray(identities) ? identities.length : 'no'} entries but there are ${frames} frames; give one identity per frame`);
  }
  const rows = new Map<string, number[]>();
  identities.forEach((id, f) => {
    if (!rows.has(id)) rows.set(id, []);
    rows.get(id)!.push(f);
  });
  return [...rows.values()];
}

/** Mean ICC(3,1) over AUs (as `auReport(...).mean.icc`) of the given frame rows, repeats kept. */
function meanIccOf(predictions: ReadonlyArray<ArrayLike<number>>, truth: ReadonlyArray<ArrayLike<number>>, rows: number[], aus: readonly number[]): number {
  return auReport(rows.map((f) => predictions[f]), rows.map((f) => truth[f]), aus).mean.icc;
}

function checkShapes(name: string, table: ReadonlyArray<ArrayLike<number>>, aus: readonly number[], fn: string): number {
  return readTable(table, name, fn, { count: aus.length, what: `aus (${aus.length} AUs)` }).rows;
}

/**
 * Mean ICC(3,1) over AUs with a percentile bootstrap interval over held-out identities
 * (all frames of a drawn identity go in together; an identity drawn twice counts twice).
 * Several evaluations (e.g. one per seed) are strata: each resamples its own identities and
 * the statistic is the mean over them of their mean ICC.
 */
export function meanIccInterval(evaluations: HeldOutFrames | readonly HeldOutFrames[], aus: readonly number[], options: BootstrapOptions): BootstrapInterval {
  const fn = 'meanIccInterval';
  const list = Array.isArray(evaluations) ? (evaluations as readonly HeldOutFrames[]) : [evaluations as HeldOutFrames];
  const strata = list.map((e, s) => {
    const frames = checkShapes(`evaluations[${s}].predictions`, e.predictions, aus, fn);
    if (checkShapes(`evaluations[${s}].truth`, e.truth, aus, fn) !== frames) throw new RangeError(`${fn}: evaluations[${s}]: predictions and truth differ in frames`);
    return framesByIdentity(e.identities, frames, fn);
  });
  return stratifiedBootstrapInterval(strata, (drawn) => average(drawn.map((units, s) => meanIccOf(list[s].predictions, list[s].truth, units.flat(), aus))), options);
}

/** A paired comparison: both models' mean ICC and their difference A − B, each with its interval. */
export interface PairedIccComparison {
  /** Mean ICC(3,1) of A minus that of B (averaged over the evaluations), with its interval. */
  difference: BootstrapInterval;
  a: BootstrapInterval;
  b: BootstrapInterval;
  /** Per evaluation (e.g. per seed): mean ICC of A and B on all its frames. */
  perEvaluation: { a: number; b: number; difference: number; identities: number; frames: number }[];
}

/**
 * Paired difference of mean ICC(3,1), model A − model B, on the same held-out frames, with
 * a percentile bootstrap interval over identities: each resample draws identities once and
 * scores both models on the same draw, so what the two share (which people are hard) cancels.
 * Several evaluations (seeds) are strata, as in {@link meanIccInterval}; A, B and A − B use
 * the same seed, hence the same draws.
 */
export function pairedMeanIccDifference(evaluations: PairedHeldOutFrames | readonly PairedHeldOutFrames[], aus: readonly number[], options: BootstrapOptions): PairedIccComparison {
  const fn = 'pairedMeanIccDifference';
  const list = Array.isArray(evaluations) ? (evaluations as readonly PairedHeldOutFrames[]) : [evaluations as PairedHeldOutFrames];
  const strata = list.map((e, s) => {
    const frames = checkShapes(`evaluations[${s}].predictionsA`, e.predictionsA, aus, fn);
    for (const name of ['predictionsB', 'truth'] as const) {
      if (checkShapes(`evaluations[${s}].${name}`, e[name], aus, fn) !== frames) throw new RangeError(`${fn}: evaluations[${s}].${name} has another number of frames than predictionsA (${frames})`);
    }
    return framesByIdentity(e.identities, frames, fn);
  });
  const score = (which: 'A' | 'B' | 'A-B') => (drawn: number[][][]) =>
    average(drawn.map((units, s) => {
      const rows = units.flat();
      const e = list[s];
      const a = which === 'B' ? 0 : meanIccOf(e.predictionsA, e.truth, rows, aus);
      const b = which === 'A' ? 0 : meanIccOf(e.predictionsB, e.truth, rows, aus);
      return which === 'A' ? a : which === 'B' ? b : a - b;
    }));
  const perEvaluation = list.map((e, s) => {
    const rows = strata[s].flat();
    const a = meanIccOf(e.predictionsA, e.truth, rows, aus);
    const b = meanIccOf(e.predictionsB, e.truth, rows, aus);
    return { a, b, difference: a - b, identities: strata[s].length, frames: rows.length };
  });
  return {
    difference: stratifiedBootstrapInterval(strata, score('A-B'), options),
    a: stratifiedBootstrapInterval(strata, score('A'), options),
    b: stratifiedBootstrapInterval(strata, score('B'), options),
    perEvaluation,
  };
}

function average(values: number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
