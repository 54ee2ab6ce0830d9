import { readTable } from './input-checks.js';

/**
 * The six intraclass correlations of Shrout & Fleiss (1979), "Intraclass correlations:
 * uses in assessing rater reliability", Psychological Bulletin 86(2):420–428:
 * - `ICC(1,·)`: one-way random effects (each target rated by different raters);
 * - `ICC(2,·)`: two-way random effects, absolute agreement (raters are a sample);
 * - `ICC(3,·)`: two-way mixed effects, consistency (these raters are all there is; the
 *   one used for AU intensity, prediction vs. truth as two fixed raters, docs/method.md §5);
 * `(·,1)` is the reliability of one rater, `(·,k)` of the mean of the k raters.
 * `'ICC(2,4)'` etc. is accepted too when 4 is the number of raters.
 */
export type IccForm = 'ICC(1,1)' | 'ICC(2,1)' | 'ICC(3,1)' | 'ICC(1,k)' | 'ICC(2,k)' | 'ICC(3,k)';

export const ICC_FORMS: readonly IccForm[] = ['ICC(1,1)', 'ICC(2,1)', 'ICC(3,1)', 'ICC(1,k)', 'ICC(2,k)', 'ICC(3,k)'];

/** The two-way ANOVA behind every form (Shrout & Fleiss's Table 1 names). */
export interface IccMeanSquares {
  /** BMS: between targets, `k·Σ(rowMean − mean)² / (n − 1)`. */
  betweenTargets: number;
  /** WMS: within targets, `Σ(x − rowMean)² / (n·(k − 1))`. */
  withinTargets: number;
  /** JMS: between raters (judges), `n·Σ(colMean − mean)² / (k − 1)`. */
  betweenRaters: number;
  /** EMS: residual, `Σ(x − rowMean − colMean + mean)² / ((n − 1)(k − 1))`. */
  residual: number;
}

export interface IccResult {
  form: IccForm;
  /** The ICC, or NaN when it is undefined (then `reason` says why). */
  value: number;
  /** n, the number of targets (rows). */
  targets: number;
  /** k, the number of raters (columns). */
  raters: number;
  meanSquares: IccMeanSquares;
  reason?: string;
}

/**
 * Intraclass correlation of `ratings` (`n targets × k raters`, complete, finite) in the
 * given form. Returns NaN where the ICC is undefined; {@link iccDetails} says why:
 * no targets; one target (no between-target variance can be estimated); all ratings
 * equal; or a zero denominator (e.g. ICC(3,1) when every target has the same mean and
 * the raters differ only by a constant). Mean squares below 1e-12 of the total are
 * treated as rounding noise, i.e. zero.
 */
export function icc(ratings: ReadonlyArray<ArrayLike<number>>, form: IccForm): number {
  return iccDetails(ratings, form).value;
}

/** {@link icc} with the ANOVA mean squares and, for NaN, the reason. */
export function iccDetails(ratings: ReadonlyArray<ArrayLike<number>>, form: IccForm | string): IccResult {
  const table = readTable(ratings, 'ratings', 'icc');
  const { data, rows: n } = table;
  const k = n === 0 ? 0 : table.cols;
  const model = parseForm(form, k);
  const result = (value: number, meanSquares: IccMeanSquares, reason?: string): IccResult => ({
    form: model.form,
    value,
    targets: n,
    raters: k,
    meanSquares,
    ...(reason === undefined ? {} : { reason }),
  });
  const none: IccMeanSquares = { betweenTargets: NaN, withinTargets: NaN, betweenRaters: NaN, residual: NaN };
  if (n === 0) return result(NaN, none, 'no data: ratings has no targets');
  if (k < 2) throw new RangeError(`icc: ratings needs at least 2 raters (columns), got ${k}`);
  for (let index = 0; index < data.length; index++) {
    if (!Number.isFinite(data[index])) {
      const i = Math.floor(index / k);
      throw new RangeError(
        `icc: ratings[${i}][${index - i * k}] is ${data[index]}; ICC needs complete ratings (drop targets with a missing rating first)`,
      );
    }
  }
  if (n === 1) return result(NaN, none, 'one target: between-target variance is undefined');
  if (data.every((value) => value === data[0])) return result(NaN, none, 'all ratings are equal: no variance');

  const meanSquares = anovaMeanSquares(data, n, k);
  const { betweenTargets: bms, withinTargets: wms, betweenRaters: jms, residual: ems } = meanSquares;
  let numerator: number;
  let denominator: number;
  if (model.type === 1) {
    numerator = bms - wms;
    denominator = model.average ? bms : bms + (k - 1) * wms;
  } else if (model.type === 2) {
    numerator = bms - ems;
    denominator = model.average ? bms + (jms - ems) / n : bms + (k - 1) * ems + (k * (jms - ems)) / n;
  } else {
    numerator = bms - ems;
    denominator = model.average ? bms : bms + (k - 1) * ems;
  }
  if (!(denominator > 0)) {
    return result(NaN, meanSquares, `zero denominator: no between-target variance (BMS = ${bms}) left for ${model.form}`);
  }
  return result(numerator / denominator, meanSquares);
}

/** Two-way ANOVA mean squares of a complete `n × k` table (row-major), in double precision. */
function anovaMeanSquares(data: Float64Array, n: number, k: number): IccMeanSquares {
  const rowMeans = new Float64Array(n);
  const colMeans = new Float64Array(k);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const value = data[i * k + j];
      rowMeans[i] += value / k;
      colMeans[j] += value / n;
      mean += value / (n * k);
    }
  }
  let total = 0;
  let betweenTargets = 0;
  let betweenRaters = 0;
  let within = 0;
  let residual = 0;
  for (let i = 0; i < n; i++) betweenTargets += k * (rowMeans[i] - mean) ** 2;
  for (let j = 0; j < k; j++) betweenRaters += n * (colMeans[j] - mean) ** 2;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const value = data[i * k + j];
      total += (value - mean) ** 2;
      within += (value - rowMeans[i]) ** 2;
      residual += (value - rowMeans[i] - colMeans[j] + mean) ** 2;
    }
  }
  // A sum of squares that should be exactly 0 (e.g. identical rows) comes out ~1e-30
  // from rounding, which would turn 0/0 into an arbitrary ratio.
  const noise = 1e-12 * total;
  const clean = (sum: number) => (sum <= noise ? 0 : sum);
  return {
    betweenTargets: clean(betweenTargets) / (n - 1),
    withinTargets: clean(within) / (n * (k - 1)),
    betweenRaters: clean(betweenRaters) / (k - 1),
    residual: clean(residual) / ((n - 1) * (k - 1)),
  };
}

function parseForm(form: string, raters: number): { form: IccForm; type: 1 | 2 | 3; average: boolean } {
  const match = typeof form === 'string' ? /^ICC\(([123]),(1|k|\d+)\)$/.exec(form.replace(/\s+/g, '')) : null;
  const valid = `one of ${ICC_FORMS.map((f) => `'${f}'`).join(', ')}`;
  if (!match) throw new RangeError(`icc: form must be ${valid}, got ${JSON.stringify(form)}`);
  const type = Number(match[1]) as 1 | 2 | 3;
  let average = match[2] !== '1';
  if (match[2] !== '1' && match[2] !== 'k') {
    const count = Number(match[2]);
    if (count !== raters && raters > 0) {
      throw new RangeError(`icc: form ${form} names ${count} raters but ratings has ${raters} columns; use 'ICC(${type},k)'`);
    }
    average = raters !== 1;
  }
  return { form: `ICC(${type},${average ? 'k' : '1'})` as IccForm, type, average };
}
