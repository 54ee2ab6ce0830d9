// How many inference workers, and how many compute threads each, by default. Detection and the
// model run at batch 1–8 on small images, where one kernel split over many threads gains
// little (each convolution ends in a barrier); independent images on independent cores do.
// So: one worker per core, each kernel on one thread (`native`: OpenMP; `wasm` has one anyway),
// except tfjs-node, whose TensorFlow runtime already spreads one session over every core.
import { availableParallelism } from 'node:os';

export interface WorkerPlan {
  /** Inference worker threads. */
  workers: number;
  /** Compute threads per worker for backends that take a number (native's OpenMP team). */
  threads: number;
}

/**
 * Workers and threads for `cores` cores and the requested backend (`--backend`; undefined or
 * 'auto' counts as the usual native/wasm case). `workers`, when given, is kept, and the cores
 * are shared out among them (at least one thread each).
 */
export function planWorkers(options: { cores?: number; backend?: string; workers?: number } = {}): WorkerPlan {
  const cores = Math.max(1, Math.floor(options.cores ?? availableParallelism()));
  const tensorflow = options.backend === 'tensorflow' || options.backend === 'tensorflow-gpu';
  const workers = options.workers ?? (tensorflow ? 1 : cores);
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`workers must be a positive integer, got ${workers}`);
  return { workers, threads: Math.max(1, Math.floor(cores / workers)) };
}
