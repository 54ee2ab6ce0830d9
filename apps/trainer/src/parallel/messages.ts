/**
 * What the main thread (rank 0) and the replica threads (ranks 1…) say to each other. Bulk
 * data (gradients, statistics) goes through {@link SharedRegions}; messages carry the shards,
 * the step's settings and small results. A request has an `id`, answered by `done` or `error`
 * with that id; `apply` is never answered (its failure comes as an `error` without id).
 */
import type { G2RLTrainerState, GradientShare, TrainingBatchArrays, TrainingPhase, TrainStepResult } from '@g2rl/models';
import type { TrainConfig } from '../config.js';
import type { RegionSizes } from './shared-regions.js';

/** The `workerData` of a replica thread. */
export interface ReplicaInit {
  config: TrainConfig;
  aus: number;
  landmarks: number;
  /** `initBackend`'s choice on the main thread ('wasm', 'cpu', …): every replica runs the same one */
  backend: string;
  buffer: SharedArrayBuffer;
  ranks: number;
  rank: number;
  sizes: RegionSizes;
}

/** The trainer's per-step settings that the main thread's schedule chose (train phase). */
export interface StepSettings {
  learningRate: number;
  lambda: number;
  geometryReachesBackbone: boolean;
}

/** How the replicas' parts of one step combine; every replica applies the same plan. */
export interface CombinePlan {
  phase: TrainingPhase;
  parity: 0 | 1;
  /** each rank's share of the batch's samples (0: an empty shard, which computed nothing) */
  weights: number[];
  /** which of the phase's variables have gradients (the same for every shard) */
  present: boolean[];
}

/** One replica's part of a step, besides what it wrote to its region. */
export interface PartResult {
  losses: TrainStepResult;
  present: boolean[];
}

export type ToReplica =
  | { type: 'load'; id: number; state: G2RLTrainerState }
  | { type: 'compute'; id: number; phase: TrainingPhase; parity: 0 | 1; shard: { batch: TrainingBatchArrays; share: GradientShare } | null; settings: StepSettings | null }
  | { type: 'apply'; plan: CombinePlan }
  | { type: 'predict'; id: number; images: Float32Array; batchSize: number }
  | { type: 'state'; id: number };

export type FromReplica =
  | { type: 'ready' }
  | { type: 'done'; id: number; result: PartResult | Float32Array | G2RLTrainerState | null }
  | { type: 'error'; id?: number; message: string };
