import { mulberry32 } from '@g2rl/common';

export interface BootstrapOptions {
  /** Seed of the resampling (mulberry32): the same seed and data give the same interval. */
  seed: number;
  /** Number of bootstrap resamples B (default 2000). */
  resamples?: number;
  /** Coverage of the interval (default 0.95). */
  confidence?: number;
}

/** A statistic, its percentile bootstrap interval, and how it was made. */
export interface BootstrapInterval {
  /** The statistic on the data as given. */
  estimate: number;
  /** Lower and upper percentile bounds: quantiles (1 − confidence)/2 and (1 + confidence)/2 of the resampled statistic. */
  low: number;
  high: number;
  confidence: number;
  /** B, the resamples drawn. */
  resamples: number;
  /** Resamples whose statistic was NaN (left out of the quantiles; reported, never hidden). */
  undefinedResamples: number;
  seed: number;
  method: 'percentile';
}

/**
 * Quantile `q` ∈ [0, 1] of ascending `sorted` values with linear interpolation between order
 * statistics (Hyndman & Fan type 7; numpy.percentile's default): position `q·(n − 1)`.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantileSorted: q must be in [0, 1], got ${q}`);
  const position = q * (n - 1);
  const below = Math.floor(position);
  const above = Math.min(n - 1, below + 1);
  return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
}

/**
 * Percentile bootstrap of a statistic over `units` (e.g. held-out identities: a cluster
 * bootstrap, so that frames of one person, which are not independent, move together).
 * Resample b draws `n = units.length` units with replacement — unit `floor(u·n)` for each
 * `u` from `mulberry32(seed)`, b = 0…B−1 in order — and evaluates `statistic` on them.
 * @param units the n resampling units (any values; the statistic knows what they hold)
 * @param statistic maps a list of units (with repeats) to a number, NaN where undefined
 */
export function bootstrapInterval<T>(units: readonly T[], statistic: (units: T[]) => number, options: BootstrapOptions): BootstrapInterval {
  return stratifiedBootstrapInterval([units], ([drawn]) => statistic(drawn), options);
}

/**
 * {@link bootstrapInterval} with strata (e.g. one per seed of an experiment, each with its own
 * held-out identities): each resample draws every stratum's units from that stratum alone,
 * stratum 0 first, with one `mulberry32(seed)` stream for all.
 * @param strata S lists of units, none empty
 * @param statistic maps the S resampled lists to a number, NaN where undefined
 */
export function stratifiedBootstrapInterval<T>(
  strata: readonly (readonly T[])[],
  statistic: (strata: T[][]) => number,
  options: BootstrapOptions,
): BootstrapInterval {
  const fn = 'bootstrapInterval';
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isInteger(options.seed) || options.seed < 0) throw new RangeError(`${fn}: seed must be an integer ≥ 0, got ${options.seed}`);
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`${fn}: resamples must be an integer ≥ 1, got ${resamples}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`${fn}: confidence must be in (0, 1), got ${confidence}`);
  if (strata.length === 0) throw new RangeError(`${fn}: no strata; there is nothing to resample`);
  const empty = strata.findIndex((units) => units.length === 0);
  if (empty >= 0) throw new RangeError(`${fn}: stratum ${empty} has no units; there is nothing to resample`);
  const estimate = statistic(strata.map((units) => [...units]));
  const random = mulberry32(options.seed);
  const values: number[] = [];
  let undefinedResamples = 0;
  for (let b = 0; b < resamples; b++) {
    const drawn = strata.map((units) => Array.from({ length: units.length }, () => units[Math.floor(random() * units.length)]));
    const value = statistic(drawn);
    if (Number.isNaN(value)) undefinedResamples++;
    else values.push(value);
  }
  values.sort((x, y) => x - y);
  const tail = (1 - confidence) / 2;
  return {
    estimate,
    low: quantileSorted(values, tail),
    high: quantileSorted(values, 1 - tail),
    confidence,
    resamples,
    undefinedResamples,
    seed: options.seed,
    method: 'percentile',
  };
}
