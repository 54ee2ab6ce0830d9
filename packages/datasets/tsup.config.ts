import { libraryConfig } from '@g2rl/config/tsup';

// The loader's worker thread is its own entry (dist/loader-worker.js), found beside the
// bundle through import.meta.url (shimmed for the CommonJS build).
export default libraryConfig({ index: 'src/index.ts', 'loader-worker': 'src/loader/worker.ts' }, { shims: true });
