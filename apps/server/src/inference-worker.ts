// Worker-thread entry: owns tfjs, the face detector and the model, so that decoding,
// detection and inference never block the HTTP thread (health checks answer during a
// batch). Messages: ToWorker in, FromWorker out (analysis-types.ts).
import { setPriority } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { initBackend, resolvePreference } from '@g2rl/backend';
import type { FromWorker, ToWorker, WorkerConfig, WorkerMemory } from './analysis-types.js';
import { Analyzer } from './analyzer.js';
import { problemBody } from './problem.js';
import { armFault, triggerArmedFault } from './worker-faults.js';

const port = parentPort;
if (!port) throw new Error('inference-worker.js must run as a worker thread (new Worker(...)), not directly');

function send(message: FromWorker): void {
  port!.postMessage(message);
}

/** @g2rl/backend-native, an optional dependency of this app (pnpm's strict layout hides it from @g2rl/backend). */
const importNative = (): Promise<unknown> => import('@g2rl/backend-native');

/** See start(): glibc's mmap threshold in a server's process. */
const MMAP_THRESHOLD_BYTES = 256 * 1024;

/** The native backend's addon, when that is the backend (for its cache statistics and malloc tuning). */
let nativeAddon: import('@g2rl/backend-native').NativeAddon | undefined;

async function start(config: WorkerConfig): Promise<Analyzer> {
  // libvips' operation cache (process-wide, up to 50 MB and 100 operations by default) only
  // pays when the same image is opened again; a server sees each upload once, so it held
  // memory and fragmented the allocator for nothing.
  sharp.cache(false);
  // Below the HTTP thread (Linux: per thread, inherited by the OpenMP team made later), so that
  // health checks and 503s are answered at once even when inference saturates every core.
  try { setPriority(10); } catch { /* not permitted: keep the default */ }
  const prefer = resolvePreference(config.backend);
  const backend = await initBackend({ prefer, quiet: true, loaders: { native: importNative } });
  if (backend.name === 'native') {
    // OpenMP's team size is per JS thread: each worker gets its share of the cores.
    const native = (await importNative()) as typeof import('@g2rl/backend-native');
    nativeAddon = native.loadAddon().addon ?? undefined;
    nativeAddon?.setThreads(config.threads);
    // Blocks from 256 KiB up (decoded pixels, tensors, the pool's buffers) get a mapping of
    // their own, unmapped when freed, instead of staying in the arena of the thread that freed
    // them (glibc raised its threshold to the largest block freed so far, up to 32 MiB). In the
    // soak this took the arenas from 340–440 to 60–90 MiB and the RSS ~100 MiB lower, and the
    // RSS then moves with the live buffers instead of creeping (apps/server/README.md,
    // Reliability, measured). Process-wide; a threshold the user chose is kept.
    if (!process.env.MALLOC_MMAP_THRESHOLD_ && !/mmap_threshold/.test(process.env.GLIBC_TUNABLES ?? '')) {
      nativeAddon?.mallocMmapThreshold(MMAP_THRESHOLD_BYTES);
    }
  }
  const analyzer = await Analyzer.create({ ...config, backend: backend.name });
  send({ type: 'ready', card: analyzer.card, backend: backend.name, tensors: tf.memory().numTensors });
  return analyzer;
}

const ready = start(workerData as WorkerConfig).catch((error: Error) => {
  send({ type: 'failed', message: error.message });
  return undefined;
});

/** This worker's memory by kind (see WorkerMemory); backends are duck-typed, both are optional here. */
function workerMemory(): WorkerMemory {
  const heap = getHeapStatistics();
  const conv = nativeAddon?.convolutionCacheStats?.();
  const backend = tf.getBackend() ? (tf.backend() as { pool?: { held?: { bytes: number } }; wasm?: { HEAPU8?: Uint8Array } }) : {};
  return {
    heapBytes: heap.used_heap_size,
    externalBytes: (heap as { external_memory?: number }).external_memory ?? 0,
    poolFreeBytes: backend.pool?.held?.bytes ?? 0,
    convFilterBytes: conv?.filterBytes ?? 0,
    convPlans: conv?.plans ?? 0,
    wasmBytes: backend.wasm?.HEAPU8?.buffer.byteLength ?? 0,
  };
}

// One batch at a time: the HTTP thread already serialises them, this keeps it true.
let chain: Promise<unknown> = ready;

port.on('message', (message: ToWorker) => {
  if (message.type === 'stats') {
    send({ type: 'stats', request: message.request, tensors: tf.memory().numTensors, memory: workerMemory() });
    return;
  }
  if (message.type === 'fault') {
    if ((workerData as WorkerConfig).faults) armFault(message.fault);
    return;
  }
  triggerArmedFault();
  chain = chain.then(async () => {
    const analyzer = await ready;
    if (!analyzer) return;
    try {
      const { outcomes, modelBatchSizes } = await analyzer.analyzeBatch(message.jobs);
      send({ type: 'analyzed', batch: message.batch, outcomes, modelBatchSizes, tensors: tf.memory().numTensors });
    } catch (error) {
      // A bug, not bad input (that is caught per image): answer every job so none hangs.
      const problem = problemBody('internal', `analysis failed: ${(error as Error).message}`);
      const outcomes = message.jobs.map((job) => ({ id: job.id, ok: false as const, problem }));
      send({ type: 'analyzed', batch: message.batch, outcomes, modelBatchSizes: [], tensors: tf.memory().numTensors });
    }
  });
});
