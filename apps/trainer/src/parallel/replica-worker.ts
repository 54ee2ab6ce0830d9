/**
 * A data-parallel replica thread (built to dist/replica-worker.js): its own backend instance and
 * its own G2RL trainer, made from the run's config like the main thread's; it computes its
 * shard's part of each step and applies every step's combined update, as the main thread does.
 * Messages are handled one at a time, in order (`messages.ts`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend, type BackendPreference } from '@g2rl/backend';
import type { G2RLTrainer } from '@g2rl/models';
import { createRunTrainer } from '../train.js';
import type { FromReplica, ReplicaInit, ToReplica } from './messages.js';
import { applyCombined, applySettings, computePart } from './replica-step.js';
import { SharedRegions } from './shared-regions.js';

const init = workerData as ReplicaInit;
const port = parentPort!;
const regions = new SharedRegions(init.buffer, init.ranks, init.sizes);
const scratch = new Float32Array(init.sizes.gradients);
const post = (message: FromReplica) => port.postMessage(message);

let trainer: G2RLTrainer;
const started = (async () => {
  await initBackend({ prefer: init.backend as BackendPreference, quiet: true, loaders: { native: () => import('@g2rl/backend-native') } });
  trainer = createRunTrainer(init.config, init.aus, init.landmarks);
})();
started.then(
  () => post({ type: 'ready' }),
  (error: Error) => post({ type: 'error', message: `replica ${init.rank} could not start: ${error.message}` }),
);
let queue: Promise<void> = Promise.resolve();

async function handle(message: ToReplica): Promise<void> {
  switch (message.type) {
    case 'load':
      trainer.setState(message.state);
      return post({ type: 'done', id: message.id, result: null });
    case 'compute': {
      applySettings(trainer, message.settings);
      const result = message.shard ? await computePart(trainer, regions, init.rank, message.parity, message.phase, message.shard) : null;
      return post({ type: 'done', id: message.id, result });
    }
    case 'apply':
      return applyCombined(trainer, regions, message.plan, scratch);
    case 'predict':
      return post({ type: 'done', id: message.id, result: await trainer.predict(message.images, message.batchSize) });
    case 'state':
      return post({ type: 'done', id: message.id, result: trainer.getState() });
  }
}

port.on('message', (message: ToReplica) => {
  queue = queue
    .then(() => started)
    .then(() => handle(message))
    .catch((error: Error) => post({ type: 'error', id: 'id' in message ? message.id : undefined, message: `replica ${init.rank}: ${error.stack ?? error.message}` }));
});
