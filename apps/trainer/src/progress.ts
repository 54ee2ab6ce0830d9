/**
 * What a user sees while a command runs: a live bar on a terminal, JSON lines when the
 * output is a pipe or a file (so logs can be parsed), nothing but errors with --quiet.
 * Every event also goes to the run's log file as JSON, whatever the mode.
 */
import { appendFileSync } from 'node:fs';

export type ProgressMode = 'tty' | 'json' | 'quiet';

export interface StepEvent {
  phase: string;
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  /** Loss parts, e.g. { loss, ls, lg }. */
  values: Record<string, number>;
  imagesPerSecond: number;
}

export interface Reporter {
  /** A step inside an epoch: redraws the bar (tty) or writes a JSON line (json). */
  step(event: StepEvent): void;
  /** A message that stays on screen. */
  info(message: string, data?: Record<string, unknown>): void;
  /** The end of a phase's epoch: the bar is kept and a new line started. */
  endEpoch(event: StepEvent): void;
  close(): void;
}

export function chooseMode(quiet: boolean, stream: NodeJS.WriteStream = process.stdout): ProgressMode {
  if (quiet) return 'quiet';
  return stream.isTTY ? 'tty' : 'json';
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${pad(m)}:${pad(s % 60)}`;
}

/** One bar line: `train 2/6 [#########-----------]  45% 120/266 loss 0.0123 ls … 14.2 img/s ETA 01:12`. */
export function formatBar(event: StepEvent, width = 24): string {
  const fraction = event.steps > 0 ? Math.min(1, event.step / event.steps) : 0;
  const filled = Math.round(fraction * width);
  const values = Object.entries(event.values)
    .map(([k, v]) => `${k} ${formatValue(v)}`)
    .join(' ');
  const eta = event.imagesPerSecond > 0 ? formatDuration(((event.steps - event.step) * (event.values.batch ?? 1)) / event.imagesPerSecond) : '--:--';
  return (
    `${event.phase} ${event.epoch}/${event.epochs} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ` +
    `${String(Math.round(fraction * 100)).padStart(3)}% ${event.step}/${event.steps} ${values} ` +
    `${event.imagesPerSecond.toFixed(1)} img/s ETA ${eta}`
  );
}

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : v.toFixed(4);
}

export function createReporter(mode: ProgressMode, logFile?: string, out: NodeJS.WritableStream = process.stdout): Reporter {
  let lastDraw = 0;
  const log = (record: Record<string, unknown>) => {
    if (logFile) appendFileSync(logFile, `${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
  };
  return {
    step(event) {
      log({ event: 'step', ...event });
      if (mode === 'json') out.write(`${JSON.stringify({ event: 'step', ...event })}\n`);
      if (mode === 'tty') {
        const now = Date.now();
        if (now - lastDraw < 100 && event.step < event.steps) return;
        lastDraw = now;
        out.write(`\r\x1b[2K${formatBar(event)}`);
      }
    },
    endEpoch(event) {
      log({ event: 'epoch', ...event });
      if (mode === 'json') out.write(`${JSON.stringify({ event: 'epoch', ...event })}\n`);
      if (mode === 'tty') out.write(`\r\x1b[2K${formatBar(event)}\n`);
    },
    info(message, data) {
      log({ event: 'info', message, ...data });
      if (mode === 'json') out.write(`${JSON.stringify({ event: 'info', message, ...data })}\n`);
      if (mode === 'tty') out.write(`${message}\n`);
    },
    close() {},
  };
}
