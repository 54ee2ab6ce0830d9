import { describe, expect, it } from 'vitest';
import { RateMeter } from './rate-meter.js';

describe('RateMeter', () => {
  it('counts intervals over the last window', () => {
    const m = new RateMeter(1000);
    expect(m.rate()).toBe(0);
    m.tick(0);
    expect(m.rate()).toBe(0);
    for (let t = 50; t <= 500; t += 50) m.tick(t); // 11 events 50 ms apart: 20/s
    expect(m.rate()).toBeCloseTo(20, 10);
    m.tick(2000); // the old events fall out of the window: one event left
    expect(m.rate()).toBe(0);
    m.tick(2100);
    expect(m.rate()).toBeCloseTo(10, 10);
    expect(() => new RateMeter(0)).toThrow(/windowMs/);
  });
});
