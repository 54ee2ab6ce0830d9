// What the addon's libraries read from the process environment once, as they load (libgomp:
// OMP_WAIT_POLICY), and so must be in the real environment before any thread loads the addon.
// No tfjs here: a program that runs the addon only in worker threads (g2rl-serve) imports this
// on its main thread, which never loads tfjs or the addon itself.
import { isMainThread } from 'node:worker_threads';

/**
 * OpenMP threads that finish early sleep instead of spinning. A training step runs ~1500
 * kernels, each ending in a barrier; on a machine shared with other work, spinning threads steal
 * the very cores their team-mates wait for (measured on 2 busy cores: batch-1 inference
 * 7–22 ms passive vs 127–705 ms spinning). A value the user set is kept.
 */
export const NATIVE_ENVIRONMENT_DEFAULTS: Readonly<Record<string, string>> = { OMP_WAIT_POLICY: 'PASSIVE' };

/**
 * Puts NATIVE_ENVIRONMENT_DEFAULTS into the process environment where unset; returns the names
 * it set. Only the main thread's `process.env` is the process's: a worker thread's is its own
 * copy, which libgomp never reads (it spun in the server's workers: GOMP_SPINCOUNT 300000, not
 * 0), so this does nothing in a worker. Call it before starting worker threads that load the
 * addon: setenv while another thread reads the environment (getenv in libgomp, oneDNN or
 * libvips as they load) is a data race in glibc.
 */
export function prepareNativeEnvironment(): string[] {
  if (!isMainThread) return [];
  const set: string[] = [];
  for (const [name, value] of Object.entries(NATIVE_ENVIRONMENT_DEFAULTS)) {
    if (process.env[name] !== undefined) continue;
    process.env[name] = value;
    set.push(name);
  }
  return set;
}
