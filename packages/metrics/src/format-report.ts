import { AU_METRIC_NAMES, type AuMetricName, type AuReport } from './au-report.js';

export type ReportFormat = 'text' | 'markdown' | 'json';

const HEADERS: Record<AuMetricName, string> = { icc: 'ICC(3,1)', mae: 'MAE', mse: 'MSE', pcc: 'PCC' };

/**
 * Renders an {@link AuReport}: `'text'` an aligned plain-text table (numbers right-aligned,
 * 3 decimals), `'markdown'` a GitHub table, `'json'` `JSON.stringify` (NaN → null) with
 * 2-space indent. Undefined figures print as `—`; the lines under the table say why,
 * and which AUs each mean leaves out.
 */
export function formatReport(report: AuReport, format: ReportFormat = 'text'): string {
  if (report === null || typeof report !== 'object' || !Array.isArray(report.aus) || !report.mean) {
    throw new TypeError('formatReport: report must be the object auReport returns');
  }
  if (format === 'json') return JSON.stringify(report, null, 2);
  if (format !== 'text' && format !== 'markdown') {
    throw new RangeError(`formatReport: format must be 'text', 'markdown' or 'json', got ${JSON.stringify(format)}`);
  }
  const header = ['AU', 'n', ...AU_METRIC_NAMES.map((metric) => HEADERS[metric])];
  const body = report.aus.map((row) => [`AU${row.au}`, String(row.n), ...AU_METRIC_NAMES.map((metric) => number(row[metric]))]);
  const meanRow = ['Mean', '', ...AU_METRIC_NAMES.map((metric) => number(report.mean[metric]))];
  const notes = reportNotes(report);

  if (format === 'markdown') {
    const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
    const align = ['---', ...header.slice(1).map(() => '---:')];
    const meanBold = meanRow.map((cell) => (cell === '' ? '' : `**${cell}**`));
    const table = [line(header), line(align), ...body.map(line), line(meanBold)];
    return [...table, ...(notes.length ? ['', ...notes.map((note) => `- ${note}`)] : [])].join('\n') + '\n';
  }

  const rows = [header, ...body, meanRow];
  const widths = header.map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const render = (row: string[]) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const table = [render(header), rule, ...body.map(render), rule, render(meanRow)];
  return [...table, ...(notes.length ? ['', ...notes] : [])].join('\n') + '\n';
}

/** The sentences under the table: per-AU notes, then what each mean leaves out. */
export function reportNotes(report: AuReport): string[] {
  const notes = report.aus.filter((row) => row.notes.length > 0).map((row) => `AU${row.au}: ${row.notes.join('; ')}.`);
  // Metrics that leave out the same AUs share one sentence.
  const groups = new Map<string, AuMetricName[]>();
  for (const metric of AU_METRIC_NAMES) {
    const excluded = report.mean.excluded.filter((entry) => entry.metric === metric);
    if (excluded.length === 0) continue;
    const list =
      report.mean.counts[metric] === 0
        ? ''
        : excluded.map((entry) => `AU${entry.au} (${entry.reason})`).join(', ');
    groups.set(list, [...(groups.get(list) ?? []), metric]);
  }
  for (const [list, metrics] of groups) {
    const names = metrics.map((metric) => HEADERS[metric]).join(', ');
    const plural = metrics.length > 1;
    notes.push(
      list === ''
        ? `Mean ${names}: undefined, no AU has a defined value.`
        : `Mean ${names} ${plural ? 'are' : 'is'} over ${report.mean.counts[metrics[0]]} of ${report.aus.length} AUs; left out: ${list}.`,
    );
  }
  return notes;
}

function number(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : '—';
}
