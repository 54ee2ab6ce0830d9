import { libraryConfig } from '@g2rl/config/tsup';

// `geometry` is a separate entry so that `@g2rl/models/geometry` pulls in no backbone code.
export default libraryConfig({ index: 'src/index.ts', geometry: 'src/geometry/index.ts' });
