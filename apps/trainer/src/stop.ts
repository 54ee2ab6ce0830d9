/**
 * Stopping a run without losing it: signal handlers set a {@link StopFlag}, the loops read it
 * between steps, save a checkpoint and throw {@link Interrupted}.
 */

/** Asked to stop: the loop saves a checkpoint after the step in flight and throws this. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
  constructor(readonly checkpoint: string) {
    super(`stopped; checkpoint saved to ${checkpoint} (continue with --resume)`);
  }
}

/** A shared flag that signal handlers set and the training loop reads between steps. */
export interface StopFlag {
  requested: boolean;
}

/**
 * A training step on wasm resolves its promises as microtasks, so a loop of steps never lets
 * the event loop run signal handlers or worker messages: give it a turn between steps.
 */
export const yieldToEventLoop = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
