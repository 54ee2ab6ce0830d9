/**
 * The backbone training loop: one `trainStep` per loader batch (over the data-parallel replicas
 * when there are some) until the loader has done
 * `train.epochs` epochs, the trainer's schedule applied for each step's epoch, progress
 * reported per step and per epoch, a checkpoint at the end of every epoch and when asked to stop.
 */
import type { BatchLoader } from '@g2rl/datasets';
import type { G2RLTrainer } from '@g2rl/models';
import type { HistoryPoint } from './history.js';
import type { ReplicaPool } from './parallel/replica-pool.js';
import type { Reporter } from './progress.js';
import { Interrupted, type StopFlag, yieldToEventLoop } from './stop.js';

export async function trainBackbone(options: {
  trainer: G2RLTrainer;
  loader: BatchLoader;
  epochs: number;
  history: HistoryPoint[];
  reporter: Reporter;
  stop: StopFlag;
  /** Saves the run checkpoint. */
  checkpoint: () => void;
  /** Path named by {@link Interrupted}. */
  checkpointPath: string;
  /** Data-parallel replicas of `trainer` (already loaded with its state), or none: one process. */
  pool?: ReplicaPool | null;
}): Promise<void> {
  const { trainer, loader, epochs, history, reporter, stop, checkpoint, pool } = options;
  const steps = loader.stepsPerEpoch;
  let epochStart = Date.now();
  let images = 0;
  let sums = { loss: 0, ls: 0, lg: 0, n: 0 };
  while (loader.getState().epoch < epochs) {
    const { epoch, step } = loader.getState();
    if (step === 0 || sums.n === 0) {
      epochStart = Date.now();
      images = 0;
      sums = { loss: 0, ls: 0, lg: 0, n: 0 };
    }
    trainer.applySchedule(epoch);
    await yieldToEventLoop();
    const batch = await loader.nextBatch();
    const result = pool ? await pool.trainStep(trainer, batch) : await trainer.trainStep(batch);
    if (!Number.isFinite(result.loss)) throw new Error(`training diverged at epoch ${epoch + 1}, step ${step + 1}: loss ${result.loss}; lower train.learningRate`);
    images += batch.batchSize;
    sums = { loss: sums.loss + result.loss, ls: sums.ls + result.ls, lg: sums.lg + result.lg, n: sums.n + 1 };
    history.push({ phase: 'train', epoch: epoch + 1, step: trainer.steps.train, loss: result.loss, ls: result.ls, lg: result.lg });
    const event = {
      phase: 'train',
      epoch: epoch + 1,
      epochs,
      step: step + 1,
      steps,
      values: { loss: sums.loss / sums.n, ls: sums.ls / sums.n, lg: sums.lg / sums.n, batch: batch.batchSize },
      imagesPerSecond: images / Math.max(1e-3, (Date.now() - epochStart) / 1000),
    };
    const endOfEpoch = loader.getState().epoch !== epoch;
    if (endOfEpoch) reporter.endEpoch(event);
    else reporter.step(event);
    // One checkpoint per epoch, and one when asked to stop (never two for the same step).
    if (endOfEpoch || stop.requested) checkpoint();
    if (stop.requested) throw new Interrupted(options.checkpointPath);
  }
}
