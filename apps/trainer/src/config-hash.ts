import type { TrainConfig } from './config.js';

/**
 * A stable hash (FNV-1a over the config's JSON) of the fields that must not change between a
 * run and its resumption: everything but the run name, the runs folder, the backend and the data-parallel worker
 * count (a checkpoint records the count it was made with, and a resumed run keeps that).
 */
export function configHash(config: TrainConfig): string {
  const { name: _name, runsDir: _runsDir, backend: _backend, workers: _workers, ...rest } = config;
  const text = JSON.stringify(rest);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
