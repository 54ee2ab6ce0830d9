import { describe, expect, it } from 'vitest';
import { auReport } from './au-report.js';
import { formatReport } from './format-report.js';

const report = auReport(
  [[0.5, 1, 2], [1.5, 2, 1], [2.5, 3, 0], [3, 1, 4]],
  [[0, 1, NaN], [2, 2, NaN], [3, 2, NaN], [3, 1, NaN]],
  [1, 12, 26],
);

describe('formatReport', () => {
  it("'text': an aligned table (every table line as wide), values to 3 decimals, notes below", () => {
    const text = formatReport(report, 'text');
    const lines = text.trimEnd().split('\n');
    const table = lines.slice(0, 7); // header, rule, 3 AUs, rule, mean
    expect(new Set(table.map((line) => line.length)).size).toBe(1);
    expect(table[0]).toMatch(/^AU\s+n\s+ICC\(3,1\)\s+MAE\s+MSE\s+PCC$/);
    expect(table[2]).toContain(report.aus[0].mae.toFixed(3));
    expect(table[4]).toMatch(/^AU26\s+0\s+—\s+—\s+—\s+—$/);
    expect(table[6]).toMatch(/^Mean\s+/);
    expect(table[6]).toContain(report.mean.icc.toFixed(3));
    expect(text).toContain('AU26: no data.');
    expect(text).toContain('Mean ICC(3,1), MAE, MSE, PCC are over 2 of 3 AUs; left out: AU26 (no data).');
    // The numbers line up on the decimal point (right-aligned, same decimals).
    const column = table[0].indexOf('MAE') + 'MAE'.length;
    for (const line of [table[2], table[3], table[6]]) expect(line[column - 4]).toBe('.');
  });

  it("'markdown': a GitHub table with right-aligned numbers and a bold mean", () => {
    const markdown = formatReport(report, 'markdown');
    const lines = markdown.trimEnd().split('\n');
    expect(lines[0]).toBe('| AU | n | ICC(3,1) | MAE | MSE | PCC |');
    expect(lines[1]).toBe('| --- | ---: | ---: | ---: | ---: | ---: |');
    expect(lines[2]).toBe(`| AU1 | 4 | ${['icc', 'mae', 'mse', 'pcc'].map((m) => (report.aus[0] as never as Record<string, number>)[m].toFixed(3)).join(' | ')} |`);
    expect(lines[5]).toMatch(/^\| \*\*Mean\*\* \|  \| \*\*\d\.\d{3}\*\* \|/);
    expect(markdown).toContain('- AU26: no data.');
  });

  it("'json': the report as JSON", () => {
    expect(JSON.parse(formatReport(report, 'json')).aus[1].au).toBe(12);
  });

  it('says so when no AU has data', () => {
    const empty = auReport([[1]], [[NaN]], [5]);
    expect(formatReport(empty)).toContain('Mean ICC(3,1), MAE, MSE, PCC: undefined, no AU has a defined value.');
    const constantTruth = auReport([[1, 1], [2, 0], [3, 2]], [[1, 0], [2, 0], [3, 0]], [1, 2]);
    expect(formatReport(constantTruth)).toContain('Mean PCC is over 1 of 2 AUs; left out: AU2 (truth is constant: correlation is undefined).');
  });

  it('rejects an unknown format and a non-report', () => {
    expect(() => formatReport(report, 'html' as never)).toThrow(/format must be 'text', 'markdown' or 'json', got "html"/);
    expect(() => formatReport({} as never)).toThrow(/report must be the object auReport returns/);
  });
});
