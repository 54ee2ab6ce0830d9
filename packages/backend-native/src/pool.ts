// Output buffers for the native kernels, recycled. A training step makes ~1500 tensors and
// frees them again; a fresh Float32Array of a few MB costs 2–3× the element-wise kernel that
// fills it (calloc zeroing, page faults, and the ~40 garbage collections per step that the
// external memory triggers). Buffers of the same length come back step after step, so a
// free list per length serves almost every allocation after the first step.
//
// Recycling is only safe for an array nobody else can still see. The pool therefore tracks
// every buffer it hands out:
//   issued → owned (registered as exactly one tensor's data, whole) → back in the pool when
//   that tensor's data is released;
//   pinned (never recycled) as soon as it is shared in any other way: read by a user
//   (dataSync/data hand out the backend's own array), registered a second time, or
//   registered as a view (the cpu Slice kernel returns subarrays of its input).
// Buffers of other origin (user arrays, cpu kernels' outputs) are never pooled.
//
// A length that has not been asked for within the last `idleTakes` takes loses its free
// buffers. Training asks for the same lengths every step, but a server's lengths follow the
// number of faces in each batch: without this, every batch size ever seen kept its buffers,
// and the pool grew in steps whenever a new size turned up (g2rl-serve's soak: 210 MiB after
// the first minute, 276 MiB four minutes later; the limit is 1 GiB per worker).

/** Below this many elements V8's own allocation is cheap enough. */
const MIN_POOLED_ELEMENTS = 1024;

/** Takes after which an unused length's free buffers are dropped (a training step takes ~1,000). */
export const DEFAULT_IDLE_TAKES = 1 << 16;

type BufferState = { kind: 'issued' } | { kind: 'owned'; owner: object } | { kind: 'pinned' };

export class BufferPool {
  /** Free buffers per length, and the take count when that length was last taken or released. */
  private readonly free = new Map<number, { buffers: Float32Array[]; lastUsed: number }>();
  private readonly states = new WeakMap<ArrayBuffer, BufferState>();
  private freeBytes = 0;
  /** Pooled-size takes so far: the pool's clock. */
  private takes = 0;
  /** Buffers handed out, reused, taken back, and dropped for being idle, for tests and the benchmark. */
  readonly stats = { allocated: 0, reused: 0, recycled: 0, evicted: 0 };

  /**
   * @param maxFreeBytes the most memory kept in free lists (beyond it, buffers go to the GC)
   * @param idleTakes a length not taken or released within this many takes loses its free buffers
   */
  constructor(private readonly maxFreeBytes: number, private readonly idleTakes = DEFAULT_IDLE_TAKES) {
    if (!(Number.isInteger(idleTakes) && idleTakes >= 1)) throw new RangeError(`BufferPool: idleTakes must be a positive integer, got ${idleTakes}`);
  }

  /** A Float32Array of `length` elements with undefined contents (the kernel overwrites it). */
  take(length: number): Float32Array {
    if (length < MIN_POOLED_ELEMENTS || this.maxFreeBytes <= 0) return new Float32Array(length);
    this.takes++;
    // A sweep every quarter window: a length is dropped 1–1.25 windows after its last use.
    if (this.takes % Math.max(1, this.idleTakes >> 2) === 0) this.dropIdle();
    const list = this.free.get(length);
    if (list) list.lastUsed = this.takes;
    const reused = list?.buffers.pop();
    if (reused) {
      this.freeBytes -= reused.byteLength;
      this.states.set(reused.buffer as ArrayBuffer, { kind: 'issued' });
      this.stats.reused++;
      return reused;
    }
    const fresh = new Float32Array(length);
    this.states.set(fresh.buffer as ArrayBuffer, { kind: 'issued' });
    this.stats.allocated++;
    return fresh;
  }

  /** `values` becomes the data of `owner` (a dataId): owned if it is a whole issued buffer, else pinned. */
  register(values: unknown, owner: object): void {
    const buffer = bufferOf(values);
    const state = buffer && this.states.get(buffer);
    if (!state) return;
    const whole = (values as Float32Array).byteOffset === 0 && (values as Float32Array).byteLength === buffer!.byteLength;
    this.states.set(buffer!, state.kind === 'issued' && whole ? { kind: 'owned', owner } : { kind: 'pinned' });
  }

  /** `values` has been handed to code outside the backend: never recycle it. */
  pin(values: unknown): void {
    const buffer = bufferOf(values);
    if (buffer && this.states.has(buffer)) this.states.set(buffer, { kind: 'pinned' });
  }

  /** `owner`'s data `values` was released: back to the free list if `owner` alone had it. */
  release(values: unknown, owner: object): void {
    const buffer = bufferOf(values);
    const state = buffer && this.states.get(buffer);
    if (!state || state.kind !== 'owned' || state.owner !== owner) return;
    const array = values as Float32Array;
    if (this.freeBytes + array.byteLength > this.maxFreeBytes) {
      this.states.delete(buffer!);
      return;
    }
    this.states.set(buffer!, { kind: 'issued' });
    let list = this.free.get(array.length);
    if (!list) this.free.set(array.length, (list = { buffers: [], lastUsed: this.takes }));
    list.lastUsed = this.takes;
    list.buffers.push(array);
    this.freeBytes += array.byteLength;
    this.stats.recycled++;
  }

  /** Bytes held in the free lists now, and how many distinct lengths they hold. */
  get held(): { bytes: number; lengths: number } {
    let lengths = 0;
    for (const list of this.free.values()) if (list.buffers.length > 0) lengths++;
    return { bytes: this.freeBytes, lengths };
  }

  /** Drops every free buffer (the GC takes them). */
  clear(): void {
    this.free.clear();
    this.freeBytes = 0;
  }

  /** Drops the free lists of lengths not used within the last `idleTakes` takes. */
  private dropIdle(): void {
    for (const [length, list] of this.free) {
      if (this.takes - list.lastUsed < this.idleTakes) continue;
      for (const buffer of list.buffers) {
        this.freeBytes -= buffer.byteLength;
        this.states.delete(buffer.buffer as ArrayBuffer);
      }
      this.stats.evicted += list.buffers.length;
      this.free.delete(length);
    }
  }
}

function bufferOf(values: unknown): ArrayBuffer | null {
  return values instanceof Float32Array && values.buffer instanceof ArrayBuffer ? values.buffer : null;
}

/** Free-list limit from env G2RL_NATIVE_POOL_MB (default 1024 MB; 0 turns recycling off). */
export function poolLimitBytes(): number {
  const value = Number(process.env.G2RL_NATIVE_POOL_MB ?? '');
  const megabytes = process.env.G2RL_NATIVE_POOL_MB != null && Number.isFinite(value) && value >= 0 ? value : 1024;
  return megabytes * 1024 * 1024;
}
