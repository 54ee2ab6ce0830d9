// The rolling plot's data: per AU, the (time, intensity) samples of the last `seconds`;
// frames without a face leave a gap (NaN), never a 0 the plot would draw as a relaxed face.

export interface Sample {
  /** Seconds (the session's clock). */
  t: number;
  /** A intensities, NaN when the frame had no face. */
  values: Float32Array;
}

export class RollingSeries {
  private readonly samples: Sample[] = [];

  constructor(readonly auCount: number, readonly seconds: number) {
    if (!(seconds > 0)) throw new RangeError(`RollingSeries: seconds must be > 0, got ${seconds}`);
  }

  /** Adds a frame's intensities (null: no face) at time `t`; samples older than `t − seconds` are dropped. */
  push(t: number, values: ArrayLike<number> | null): void {
    const v = new Float32Array(this.auCount).fill(NaN);
    if (values) {
      if (values.length !== this.auCount) throw new RangeError(`RollingSeries.push: ${values.length} values, expected ${this.auCount}`);
      v.set(values);
    }
    this.samples.push({ t, values: v });
    while (this.samples.length > 0 && this.samples[0]!.t < t - this.seconds) this.samples.shift();
  }

  /** The samples in time order. */
  get all(): readonly Sample[] {
    return this.samples;
  }

  /** The time span to draw: [latest − seconds, latest] (or [0, seconds] when empty). */
  window(): [number, number] {
    const last = this.samples.at(-1)?.t ?? this.seconds;
    return [last - this.seconds, last];
  }

  clear(): void {
    this.samples.length = 0;
  }
}
