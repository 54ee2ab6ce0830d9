// Worker thread of BatchLoader: receives the builder's inputs once, then builds batches on
// request and transfers their buffers back (no copy).
import { parentPort } from 'node:worker_threads';
import { buildBatch, type BatchTask, type BuilderInit } from './build.js';

let init: BuilderInit | undefined;
const port = parentPort;
if (!port) throw new Error('@g2rl/datasets loader-worker must run in a worker thread');

port.on('message', async (message: { type: 'init'; init: BuilderInit } | { type: 'task'; id: number; task: BatchTask }) => {
  if (message.type === 'init') {
    init = message.init;
    return;
  }
  try {
    if (!init) throw new Error('loader worker: task before init');
    const batch = await buildBatch(init, message.task);
    const buffers = [batch.images, batch.heatmaps, batch.weights, batch.geometry, batch.intensities, batch.landmarks].map((a) => a.buffer as ArrayBuffer);
    port.postMessage({ id: message.id, batch }, buffers);
  } catch (error) {
    port.postMessage({ id: message.id, error: (error as Error).message });
  }
});
