/**
 * The run's trainer on wasm trains its batch norms with the fused kernels (G2rlBatchNormTrain,
 * @g2rl/backend) and gets the losses tfjs's own ops give (the kernels unregistered): the same
 * training to float32 rounding, through the statistics' gradients too.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@g2rl/backend';
import { syntheticTrainingBatch } from '@g2rl/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from './config.js';
import { createRunTrainer } from './train.js';

const KERNELS = ['G2rlBatchNormTrain', 'G2rlBatchNormTrainGrad'];

beforeAll(async () => {
  await initBackend({ prefer: 'wasm', quiet: true });
});

async function losses(): Promise<{ losses: number[]; kernels: string[] }> {
  const trainer = createRunTrainer(resolveConfig({ preset: 'demo' }), 12, 68);
  trainer.applySchedule(1);
  const out: number[] = [];
  const kernels = new Set<string>();
  for (let step = 0; step < 3; step++) {
    const batch = syntheticTrainingBatch(trainer.dims, 3, 40 + step);
    const profile = await tf.profile(async () => {
      out.push((await trainer.trainStep(batch)).loss);
    });
    profile.kernels.forEach((k) => kernels.add(k.name));
  }
  trainer.dispose();
  return { losses: out, kernels: [...kernels] };
}

describe('fused batch norm in training (wasm)', () => {
  it('runs the fused kernels and trains as tfjs ops do', async () => {
    const fused = await losses();
    expect(fused.kernels).toEqual(expect.arrayContaining(KERNELS));
    const saved = KERNELS.map((name) => tf.getKernel(name, 'wasm')!);
    saved.forEach((k) => tf.unregisterKernel(k.kernelName, 'wasm'));
    try {
      const plain = await losses();
      expect(plain.kernels.some((k) => KERNELS.includes(k))).toBe(false);
      fused.losses.forEach((loss, i) => expect(Math.abs(loss - plain.losses[i]!) / plain.losses[i]!).toBeLessThan(1e-4));
    } finally {
      saved.forEach((k) => tf.registerKernel(k));
    }
  });
});
