// A worker thread stopped from outside (worker.terminate(), as the server does on close, on a
// deadline or to restart a worker) while it is inside the addon must end alone. Before every
// export went through guardedCall (native/common.h), a N-API call failing because the thread was
// stopping raised a Napi::Error that node-addon-api rethrew from its catch handler, out through
// V8: std::terminate, SIGABRT, the whole process gone (the server's test fork died that way).
// The workers run in a child process, so that such an abort fails this test instead of
// killing the test runner.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nativeReady } from './test-helpers.js';

const addonFile = join(__dirname, '..', 'build', 'Release', 'g2rl_native.node');

// Each round: a worker calls the addon in a tight loop (functions that read an array argument or
// build an object, whose N-API calls fail once the thread is stopping) and is terminated after a
// seeded random 0–19 ms.
const child = `
import { Worker } from 'node:worker_threads';
const [addonFile, rounds] = [process.argv[1], Number(process.argv[2])];
const body = \`
  import { parentPort, workerData } from 'node:worker_threads';
  import { createRequire } from 'node:module';
  const addon = createRequire(workerData)(workerData);
  const a = new Float32Array(64), b = new Float32Array(64), out = new Float32Array(128);
  const rowBytes = new Int32Array([16, 16]);
  parentPort.postMessage('running');
  for (;;) {
    addon.concat([a, b], out, 16, rowBytes);
    addon.convolutionCacheStats();
    addon.info();
  }\`;
let seed = 1;
const next = () => (seed = (seed * 48271) % 2147483647) % 20;
for (let round = 0; round < rounds; round++) {
  await new Promise((resolve) => {
    const worker = new Worker(body, { eval: true, workerData: addonFile });
    worker.on('message', () => setTimeout(() => void worker.terminate(), next()));
    worker.on('exit', resolve);
  });
}
console.log('survived ' + rounds);
`;

describe.skipIf(!nativeReady)('a worker terminated inside the addon', () => {
  it('ends alone: 60 terminations mid-call, the process survives', () => {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', child, addonFile, '60'], { encoding: 'utf8', timeout: 110_000 });
    expect(run.stderr).not.toMatch(/terminate called|Error/);
    expect({ status: run.status, signal: run.signal }).toEqual({ status: 0, signal: null });
    expect(run.stdout).toMatch(/survived 60/);
  }, 120_000);
});
