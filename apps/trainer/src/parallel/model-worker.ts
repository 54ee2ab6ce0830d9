/**
 * An inference thread of {@link ModelPool} (built to dist/model-worker.js): its own backend
 * instance and its own copy of an exported model, predicting the parts of batches it is sent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, type BackendPreference } from '@g2rl/backend';
import { loadInferenceModel } from '@g2rl/models';
import { modelPredictor, type HeatmapPredictor } from '../evaluate.js';
import type { FromModelWorker, ModelWorkerInit, ToModelWorker } from './model-pool.js';

const init = workerData as ModelWorkerInit;
const port = parentPort!;
const post = (message: FromModelWorker) => port.postMessage(message);

let predict: HeatmapPredictor;
const started = (async () => {
  await initBackend({ prefer: init.backend as BackendPreference, quiet: true, loaders: { native: () => import('@g2rl/backend-native') } });
  const { model } = await loadInferenceModel(init.modelDir);
  predict = modelPredictor(model);
})();
started.then(
  () => post({ type: 'ready' }),
  (error: Error) => post({ type: 'error', message: `could not load ${init.modelDir}: ${error.message}` }),
);

let queue: Promise<void> = Promise.resolve();
port.on('message', (message: ToModelWorker) => {
  queue = queue
    .then(() => started)
    .then(async () => {
      const heatmaps = await predict(message.images, message.batchSize);
      // Transferred when the array owns its buffer (a copy out of the backend), else copied.
      const owns = heatmaps.byteOffset === 0 && heatmaps.buffer.byteLength === heatmaps.byteLength && !(heatmaps.buffer instanceof SharedArrayBuffer);
      port.postMessage({ type: 'done', id: message.id, heatmaps } satisfies FromModelWorker, owns ? [heatmaps.buffer as ArrayBuffer] : []);
    })
    .catch((error: Error) => post({ type: 'error', id: message.id, message: error.stack ?? error.message }));
});
