// Worker of server.bench.mjs's in-process measurement: @g2rl/analyzer alone (no HTTP, no
// postMessage per image), analysing the same JPEG bytes in a loop until the deadline.
// workerData: { modelDir, backend, threads, detector, jpeg, milliseconds }.
import { parentPort, workerData } from 'node:worker_threads';
import { createAnalyzer } from '@g2rl/analyzer';

const { modelDir, backend, threads, detector, jpeg, milliseconds } = workerData;
const analyzer = await createAnalyzer({ model: modelDir, backend, detector });
if (analyzer.backend === 'native') (await import('@g2rl/backend-native')).loadAddon().addon.setThreads(threads);
for (let i = 0; i < 5; i++) await analyzer.analyze(jpeg); // warm-up: plans, pools, caches
parentPort.postMessage({ type: 'ready' });
// All workers start measuring together (the main thread posts the start time).
const begin = await new Promise((resolve) => parentPort.once('message', resolve));
while (Date.now() < begin) await new Promise((resolve) => setTimeout(resolve, 1));
const sums = {};
let images = 0;
const t0 = performance.now();
while (performance.now() - t0 < milliseconds) {
  const result = await analyzer.analyze(jpeg);
  if (result.faces.length !== 1) throw new Error(`in-process: expected 1 face, found ${result.faces.length}`);
  for (const [stage, ms] of Object.entries(result.timings)) sums[stage] = (sums[stage] ?? 0) + ms;
  images++;
}
parentPort.postMessage({ type: 'done', images, seconds: (performance.now() - t0) / 1000, sums, backend: analyzer.backend });
analyzer.dispose();
