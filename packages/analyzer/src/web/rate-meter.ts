// Frames per second as the page shows it: the events of the last `windowMs` milliseconds
// (a short window follows the camera; a frame rate from the whole session would hide a stall).

export class RateMeter {
  private readonly times: number[] = [];

  constructor(private readonly windowMs = 1000) {
    if (!(windowMs > 0)) throw new RangeError(`RateMeter: windowMs must be > 0, got ${windowMs}`);
  }

  /** Records an event at `t` ms (non-decreasing). */
  tick(t: number): void {
    this.times.push(t);
    while (this.times.length > 0 && this.times[0]! < t - this.windowMs) this.times.shift();
  }

  /** Events per second over the window ending at the last event: (n − 1) intervals over their span; 0 with fewer than 2. */
  rate(): number {
    const n = this.times.length;
    if (n < 2) return 0;
    const span = this.times[n - 1]! - this.times[0]!;
    return span > 0 ? ((n - 1) * 1000) / span : 0;
  }

  reset(): void {
    this.times.length = 0;
  }
}
