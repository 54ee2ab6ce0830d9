/**
 * The memory that data-parallel replicas exchange gradients and batch-norm statistics through:
 * one SharedArrayBuffer, seen by every thread, with a region per (step parity, rank). Replica r
 * writes only its own region of a step; after every replica has written, each reads them all.
 *
 * Two parities make it safe without locks: a replica writes the region of step t + 1 while
 * another may still read step t's (of the other parity), and it cannot reach step t + 2 before
 * every replica has said that it has finished step t + 1's part, hence finished reading step t.
 */

/** Float counts of one region's two parts. */
export interface RegionSizes {
  /** upper bound of any phase's flat gradients (`G2RLTrainer.bufferSizes.gradients`) */
  gradients: number;
  /** upper bound of any phase's statistics (`G2RLTrainer.bufferSizes.statistics`) */
  statistics: number;
}

export class SharedRegions {
  private readonly stride: number;

  /** @param buffer from {@link SharedRegions.allocate} with the same `ranks` and `sizes` */
  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly ranks: number,
    readonly sizes: RegionSizes,
  ) {
    this.stride = sizes.gradients + sizes.statistics;
    const needed = 2 * ranks * this.stride * Float32Array.BYTES_PER_ELEMENT;
    if (buffer.byteLength !== needed) throw new RangeError(`SharedRegions: the buffer has ${buffer.byteLength} bytes, ${ranks} ranks need ${needed}`);
  }

  /** A zeroed buffer for `ranks` replicas. */
  static allocate(ranks: number, sizes: RegionSizes): SharedRegions {
    if (!Number.isInteger(ranks) || ranks < 1) throw new RangeError(`SharedRegions.allocate(ranks): expected an integer ≥ 1, got ${String(ranks)}`);
    return new SharedRegions(new SharedArrayBuffer(2 * ranks * (sizes.gradients + sizes.statistics) * Float32Array.BYTES_PER_ELEMENT), ranks, sizes);
  }

  private offset(parity: number, rank: number): number {
    if ((parity !== 0 && parity !== 1) || !Number.isInteger(rank) || rank < 0 || rank >= this.ranks) {
      throw new RangeError(`SharedRegions: no region for parity ${parity}, rank ${rank} (${this.ranks} ranks)`);
    }
    return (parity * this.ranks + rank) * this.stride;
  }

  /** Rank `rank`'s flat gradients of a step of this parity (a view: `sizes.gradients` floats). */
  gradients(parity: number, rank: number): Float32Array {
    return new Float32Array(this.buffer, this.offset(parity, rank) * 4, this.sizes.gradients);
  }

  /** Rank `rank`'s statistics of a step of this parity (a view: `sizes.statistics` floats). */
  statistics(parity: number, rank: number): Float32Array {
    return new Float32Array(this.buffer, (this.offset(parity, rank) + this.sizes.gradients) * 4, this.sizes.statistics);
  }
}

/**
 * Σ_r sources[r][i] for i < size, accumulated in float64 in the order given (rank 0 first) and
 * rounded to float32 once: every replica that calls this on the same regions gets the same bits.
 */
export function sumInOrder(sources: readonly Float32Array[], size: number, out: Float32Array = new Float32Array(size)): Float32Array {
  if (sources.length === 0) throw new RangeError('sumInOrder: expected at least one source');
  for (const s of sources) if (s.length < size) throw new RangeError(`sumInOrder: a source has ${s.length} values, expected at least ${size}`);
  const first = sources[0];
  if (sources.length === 2) {
    // two replicas, the common case: the loop below without its inner loop
    const second = sources[1];
    for (let i = 0; i < size; i++) out[i] = first[i] + second[i];
    return out;
  }
  for (let i = 0; i < size; i++) {
    let total = first[i];
    for (let r = 1; r < sources.length; r++) total += sources[r][i];
    out[i] = total;
  }
  return out;
}

/**
 * Σ_r weights[r] · sources[r][i] for i < size (float64, in the order given, one rounding to
 * float32): the batch-norm moving statistics of the replicas, weighted by their shares of the
 * batch. Moving averages are linear, so this is what one replica would hold had it seen every
 * shard's statistics with those weights (docs/method.md §4).
 */
export function weightedSumInOrder(sources: readonly Float32Array[], weights: readonly number[], size: number, out: Float32Array = new Float32Array(size)): Float32Array {
  if (sources.length === 0 || weights.length !== sources.length) throw new RangeError(`weightedSumInOrder: expected one weight per source, got ${weights.length} for ${sources.length}`);
  for (const s of sources) if (s.length < size) throw new RangeError(`weightedSumInOrder: a source has ${s.length} values, expected at least ${size}`);
  for (let i = 0; i < size; i++) {
    let total = weights[0] * sources[0][i];
    for (let r = 1; r < sources.length; r++) total += weights[r] * sources[r][i];
    out[i] = total;
  }
  return out;
}
