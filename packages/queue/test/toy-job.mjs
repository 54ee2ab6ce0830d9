// A toy job for the queue tests, run by worker processes (toy-worker.mjs) and in-process as the
// reference: a few slow steps (so a worker can be killed mid-job), a deterministic body.
import { createHash } from 'node:crypto';

/** The body job `data` must produce, whoever runs it and however often. */
export function toyBody(data) {
  let h = String(data.seed);
  const lines = ['step,hash'];
  for (let i = 0; i < data.steps; i++) {
    h = createHash('sha256').update(h).digest('hex');
    lines.push(`${i},${h}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs the job slowly (data.stepMs per step), reporting progress; throws when data.fail is set. */
export async function runToyJob(data, progress) {
  for (let i = 0; i < data.steps; i++) {
    await new Promise((r) => setTimeout(r, data.stepMs));
    await progress(((i + 1) / data.steps) * 100);
  }
  if (data.fail) throw new Error(`toy job ${data.name}: asked to fail`);
  return toyBody(data);
}
