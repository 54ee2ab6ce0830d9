import { libraryConfig } from '@g2rl/config/tsup';

// index: the createServer API; cli: the g2rl-serve bin; inference-worker: the worker
// thread entry, loaded by path at run time (so it must be a file of its own).
// @g2rl/backend-native is an optional dependency (tsup bundles those unless told): imported at run time.
export default libraryConfig(['src/index.ts', 'src/cli.ts', 'src/inference-worker.ts'], { shims: true, external: ['@g2rl/backend-native'] });
