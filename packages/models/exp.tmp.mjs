import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@g2rl/backend';
import { G2RLTrainer, syntheticTrainingBatch } from './dist/index.js';
const prefer = process.argv[2] ?? 'cpu';
const r = await initBackend({ prefer, quiet: true });
console.log('backend', r.name);
const trainer = new G2RLTrainer({ aus: 12, seed: 3 });
const batch = syntheticTrainingBatch(trainer.dims, +(process.argv[3] ?? 2), 5);
for (let i = 0; i < 5; i++) console.log('pre', (await trainer.pretrainGeometryStep(batch)).loss);
const t0 = performance.now();
for (let i = 0; i < 30; i++) {
  const s = await trainer.trainStep(batch);
  if (i % 5 === 0 || i === 29) console.log(i, JSON.stringify(s), tf.memory().numTensors, ((performance.now()-t0)/(i+1)).toFixed(0),'ms/step');
}
