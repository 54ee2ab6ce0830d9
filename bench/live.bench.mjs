// The live page's frames/s in headless Chromium (wasm one thread, wasm threads, webgl; tracking
// and the detector on every frame): the bench lives with the package, packages/analyzer/bench/live.bench.mjs.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'analyzer', 'bench', 'live.bench.mjs');
const run = spawnSync(process.execPath, [bench, ...process.argv.slice(2)], { stdio: 'inherit', cwd: join(dirname(bench), '..') });
process.exit(run.status ?? 1);
