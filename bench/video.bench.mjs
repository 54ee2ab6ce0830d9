// Video frames/s and peak RSS of @g2rl/analyzer (native and wasm; tracking, detector on every
// frame, model alone): the bench lives with the package, packages/analyzer/bench/video.bench.mjs.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'analyzer', 'bench', 'video.bench.mjs');
// run from the package folder: @g2rl/backend finds the optional native backend from there
const run = spawnSync(process.execPath, [bench, ...process.argv.slice(2)], { stdio: 'inherit', cwd: join(dirname(bench), '..') });
process.exit(run.status ?? 1);
