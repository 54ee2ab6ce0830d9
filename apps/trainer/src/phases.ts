/**
 * The phases of a run, in order: geometry pretraining (only when it has something to do),
 * backbone training, done. A checkpoint records the phase, so a resumed run continues in it.
 */
import type { TrainConfig } from './config.js';

export type RunPhase = 'pretrain' | 'train' | 'done';

/**
 * 'pretrain' when the run pretrains the geometry encoder before freezing it (λ > 0,
 * 'pretrained-frozen' mode, geometryEpochs > 0); otherwise the run starts with backbone training.
 */
export function firstPhase(config: TrainConfig): RunPhase {
  return config.train.lambda > 0 && config.train.geometryMode === 'pretrained-frozen' && config.train.geometryEpochs > 0 ? 'pretrain' : 'train';
}

/** The phase after `phase` has finished. */
export function nextPhase(phase: RunPhase): RunPhase {
  return phase === 'pretrain' ? 'train' : 'done';
}
