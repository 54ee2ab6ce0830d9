import { libraryConfig } from '@g2rl/config/tsup';

// An app, not a library: ESM only (the bin runs as ESM). The data-parallel replica thread and
// the inference thread are entries of their own (dist/replica-worker.js, dist/model-worker.js),
// found beside the bundles through import.meta.url.
export default libraryConfig(
  { index: 'src/index.ts', cli: 'src/cli.ts', 'replica-worker': 'src/parallel/replica-worker.ts', 'model-worker': 'src/parallel/model-worker.ts' },
  { format: ['esm'] },
);
