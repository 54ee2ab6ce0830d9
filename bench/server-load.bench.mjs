// The server under load (wrk at concurrency 64 for 60 s, good, bad and oversized images, with
// /healthz probed throughout): the bench lives with the app, apps/server/bench/load.bench.mjs.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = join(dirname(fileURLToPath(import.meta.url)), '..', 'apps', 'server', 'bench', 'load.bench.mjs');
// run from the app folder: @g2rl/backend finds the optional native backend from there
const run = spawnSync(process.execPath, [bench, ...process.argv.slice(2)], { stdio: 'inherit', cwd: join(dirname(bench), '..') });
process.exit(run.status ?? 1);
