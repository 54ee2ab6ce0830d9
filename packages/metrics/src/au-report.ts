import { pearsonDetails } from './agreement.js';
import { iccDetails } from './icc.js';
import { readTable } from './input-checks.js';

export type AuMetricName = 'icc' | 'mae' | 'mse' | 'pcc';
export const AU_METRIC_NAMES: readonly AuMetricName[] = ['icc', 'mae', 'mse', 'pcc'];

/** One AU's figures over the frames where its truth is labelled. */
export interface AuMetrics {
  au: number;
  /** Frames with a labelled (non-NaN) truth for this AU. */
  n: number;
  /** ICC(3,1), prediction and truth as two fixed raters. */
  icc: number;
  mae: number;
  mse: number;
  /** Pearson correlation. */
  pcc: number;
  /** Why a figure is NaN (empty when all four are defined), e.g. `'no data'`. */
  notes: string[];
}

/** The mean over AUs, each metric over the AUs where it is defined. */
export interface AuReportMean {
  icc: number;
  mae: number;
  mse: number;
  pcc: number;
  /** How many AUs each mean is taken over. */
  counts: Record<AuMetricName, number>;
  /** AUs left out of a metric's mean, and why (never averaged in as NaN or as 0). */
  excluded: { au: number; metric: AuMetricName; reason: string }[];
}

/**
 * A plain, JSON-friendly object (`JSON.stringify` writes NaN as null; `notes` and
 * `mean.excluded` say what each null means).
 */
export interface AuReport {
  format: 'g2rl-au-report/1';
  /** Frames given (rows of predictions and truth). */
  frames: number;
  aus: AuMetrics[];
  mean: AuReportMean;
}

/**
 * Per-AU and mean ICC(3,1), MAE, MSE and Pearson correlation (docs/method.md §5).
 *
 * @param predictions `frames × A` predicted intensities (finite wherever truth is labelled).
 * @param truth `frames × A` true intensities, NaN = missing: that frame is left out of
 *   that AU's figures only.
 * @param aus the A AU numbers, in column order (e.g. `DISFA_AUS`).
 *
 * Undefined figures are NaN with a note: an AU with no labelled frame reports `n = 0`
 * and `'no data'`; one frame, or constant predictions/truth, leave ICC and/or PCC
 * undefined. The mean of each metric is over the AUs where that metric is defined; the
 * others are listed in `mean.excluded`.
 */
export function auReport(
  predictions: ReadonlyArray<ArrayLike<number>>,
  truth: ReadonlyArray<ArrayLike<number>>,
  aus: ReadonlyArray<number>,
): AuReport {
  const fn = 'auReport';
  if (!Array.isArray(aus) || aus.some((au) => typeof au !== 'number' || !Number.isFinite(au))) {
    throw new TypeError(`${fn}: aus must be an array of AU numbers (e.g. [1, 2, 4]), got ${JSON.stringify(aus)}`);
  }
  const auCount = aus.length;
  const columns = { count: auCount, what: `aus (${auCount} AUs)` };
  const predicted = readTable(predictions, 'predictions', fn, columns);
  const labelled = readTable(truth, 'truth', fn, columns);
  if (predicted.rows !== labelled.rows) {
    throw new RangeError(`${fn}: predictions has ${predicted.rows} frames but truth has ${labelled.rows}; they must pair up`);
  }
  const frames = predicted.rows;

  const perAu = aus.map((au, a): AuMetrics => {
    const p: number[] = [];
    const t: number[] = [];
    for (let f = 0; f < frames; f++) {
      const truthValue = labelled.data[f * auCount + a];
      if (Number.isNaN(truthValue)) continue;
      const predictedValue = predicted.data[f * auCount + a];
      if (!Number.isFinite(predictedValue) || !Number.isFinite(truthValue)) {
        throw new RangeError(
          `${fn}: frame ${f}, AU ${au} (column ${a}): prediction ${predictedValue}, truth ${truthValue}; ` +
            'predictions must be finite where truth is labelled, and truth finite or NaN (missing)',
        );
      }
      p.push(predictedValue);
      t.push(truthValue);
    }
    return auMetrics(au, p, t);
  });
  return { format: 'g2rl-au-report/1', frames, aus: perAu, mean: meanOverAus(perAu) };
}

function auMetrics(au: number, p: number[], t: number[]): AuMetrics {
  const n = p.length;
  if (n === 0) return { au, n, icc: NaN, mae: NaN, mse: NaN, pcc: NaN, notes: ['no data'] };
  let absolute = 0;
  let squared = 0;
  for (let i = 0; i < n; i++) {
    absolute += Math.abs(p[i] - t[i]);
    squared += (p[i] - t[i]) ** 2;
  }
  const notes: string[] = [];
  const icc = iccDetails(
    p.map((value, i) => [value, t[i]]),
    'ICC(3,1)',
  );
  if (icc.reason) notes.push(`ICC undefined: ${inFrameTerms(icc.reason)}`);
  const pcc = pearsonDetails(p, t);
  if (pcc.reason) notes.push(`PCC undefined: ${pcc.reason}`);
  return { au, n, icc: icc.value, mae: absolute / n, mse: squared / n, pcc: pcc.value, notes };
}

/** iccDetails speaks of targets and ratings; here the targets are frames. */
function inFrameTerms(reason: string): string {
  if (reason.startsWith('one target')) return 'one labelled frame';
  if (reason.startsWith('all ratings are equal')) return 'predictions and truth are all the same value';
  return reason;
}

function meanOverAus(perAu: AuMetrics[]): AuReportMean {
  const mean = { icc: NaN, mae: NaN, mse: NaN, pcc: NaN, counts: { icc: 0, mae: 0, mse: 0, pcc: 0 }, excluded: [] } as AuReportMean;
  for (const metric of AU_METRIC_NAMES) {
    let sum = 0;
    let count = 0;
    for (const row of perAu) {
      if (Number.isFinite(row[metric])) {
        sum += row[metric];
        count++;
      } else {
        const prefix = metric === 'icc' ? 'ICC undefined: ' : metric === 'pcc' ? 'PCC undefined: ' : '';
        const note = row.notes.find((text) => text === 'no data') ?? row.notes.find((text) => prefix && text.startsWith(prefix));
        mean.excluded.push({ au: row.au, metric, reason: note ? note.replace(prefix, '') : 'undefined' });
      }
    }
    mean[metric] = count === 0 ? NaN : sum / count;
    mean.counts[metric] = count;
  }
  return mean;
}
