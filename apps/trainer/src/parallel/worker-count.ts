/**
 * How many data-parallel replicas a run trains with (the `workers` setting; docs/method.md §4,
 * "Data-parallel training"): one per core on a single-threaded backend (wasm, cpu), one on the
 * backends that thread their own kernels (native's oneDNN, tfjs-node).
 */
import { availableParallelism } from 'node:os';

/** The `workers` setting: 'auto' or a replica count ≥ 1. */
export type WorkersSetting = 'auto' | number;

/** Backends whose kernels run on one thread: only they gain from replicas on the other cores. */
const SINGLE_THREADED = new Set(['wasm', 'cpu']);

/**
 * Each replica's shard keeps at least this many images under 'auto', so that batch norm's
 * statistics stay over a reasonable sample (the `demo` preset's batch of 16 → 2 replicas).
 */
export const MIN_AUTO_SHARD = 8;

/**
 * The replica count: a number is taken as it is; 'auto' is 1 on a multi-threaded backend, else
 * the cores (`availableParallelism()`), at most ⌊batch ÷ {@link MIN_AUTO_SHARD}⌋, at least 1.
 * @param backend the backend in use (`initBackend`'s choice: 'wasm', 'native', …)
 */
export function resolveWorkerCount(setting: WorkersSetting, backend: string, batchSize: number, cores = availableParallelism()): number {
  if (setting !== 'auto') {
    if (!Number.isInteger(setting) || setting < 1) throw new RangeError(`workers: expected 'auto' or an integer ≥ 1, got ${JSON.stringify(setting)}`);
    return setting;
  }
  if (!SINGLE_THREADED.has(backend)) return 1;
  return Math.max(1, Math.min(cores, Math.floor(batchSize / MIN_AUTO_SHARD)));
}
