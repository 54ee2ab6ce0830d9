export { icc, iccDetails, ICC_FORMS } from './icc.js';
export type { IccForm, IccResult, IccMeanSquares } from './icc.js';
export { mae, mse, pearson, pearsonDetails } from './agreement.js';
export { auReport, AU_METRIC_NAMES } from './au-report.js';
export type { AuReport, AuMetrics, AuReportMean, AuMetricName } from './au-report.js';
export { formatReport, reportNotes } from './format-report.js';
export type { ReportFormat } from './format-report.js';
