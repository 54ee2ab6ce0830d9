import { libraryConfig } from '@g2rl/config/tsup';

// An app, not a library: ESM only (the bin runs as ESM). The data-parallel replica thread is
// its own entry (dist/replica-worker.js), found beside the bundles through import.meta.url.
export default libraryConfig({ index: 'src/index.ts', cli: 'src/cli.ts', 'replica-worker': 'src/parallel/replica-worker.ts' }, { format: ['esm'] });
