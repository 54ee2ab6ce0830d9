import { libraryConfig } from '@g2rl/config/tsup';

// An app, not a library: ESM only (the bin runs as ESM).
export default libraryConfig(['src/index.ts', 'src/cli.ts'], { format: ['esm'] });
