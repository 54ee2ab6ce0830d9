import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { createReporter, formatBar, formatDuration } from './progress.js';

const event = { phase: 'train', epoch: 2, epochs: 6, step: 30, steps: 60, values: { loss: 0.5, batch: 16 }, imagesPerSecond: 16 };

describe('progress', () => {
  it('formats durations', () => {
    expect(formatDuration(75)).toBe('01:15');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(Number.NaN)).toBe('--:--');
  });

  it('draws a bar with the percentage, rate and ETA (30 steps × 16 images at 16 img/s)', () => {
    const bar = formatBar(event, 10);
    expect(bar).toContain('[#####-----]');
    expect(bar).toContain(' 50% 30/60');
    expect(bar).toContain('loss 0.5000');
    expect(bar).toContain('ETA 00:30');
  });

  it('writes JSON lines when not on a terminal', () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c) => chunks.push(String(c)));
    const reporter = createReporter('json', undefined, out);
    reporter.step(event);
    reporter.info('hello', { n: 1 });
    const lines = chunks.join('').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ event: 'step', step: 30 });
    expect(lines[1]).toMatchObject({ event: 'info', message: 'hello', n: 1 });
  });

  it('writes nothing when quiet', () => {
    const out = new PassThrough();
    let written = '';
    out.on('data', (c) => (written += String(c)));
    const reporter = createReporter('quiet', undefined, out);
    reporter.step(event);
    reporter.info('x');
    expect(written).toBe('');
  });
});
