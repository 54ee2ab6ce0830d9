// The progress line on a terminal: done/total, rate and time left, redrawn in place.

/** `[#####.....] 120/250 frames  41.3 frames/s  ETA 0:03` (total unknown: no bar, no ETA). */
export function progressLine(done: number, total: number | null, elapsedSeconds: number, unit: string): string {
  const rate = done / Math.max(1e-3, elapsedSeconds);
  const rateText = `${rate.toFixed(1)} ${unit}/s`;
  if (total === null || total <= 0) return `${done} ${unit}  ${rateText}`;
  const width = 30;
  const filled = Math.min(width, Math.round((done / total) * width));
  const left = rate > 0 ? Math.max(0, total - done) / rate : NaN;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${unit}  ${rateText}  ETA ${formatDuration(left)}`;
}

/** Seconds as m:ss or h:mm:ss; '?' when not finite. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
