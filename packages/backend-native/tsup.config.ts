import { libraryConfig } from '@g2rl/config/tsup';

// `environment` is a separate entry: a main thread that only prepares the environment for
// workers (g2rl-serve) loads neither tfjs nor the addon.
export default libraryConfig({ index: 'src/index.ts', environment: 'src/environment.ts' });
