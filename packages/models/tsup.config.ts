import { libraryConfig } from '@g2rl/config/tsup';

// `geometry` is a separate entry so that `@g2rl/models/geometry` pulls in no backbone code;
// `card` (the model-card type and its check) imports only the pure @g2rl/heatmaps, so browsers
// can use it; `fold` (foldBatchNorms) imports only tfjs, for the browser analyzer. `index` and `geometry` register the custom layers with tfjs on import: package.json
// lists them under `sideEffects`, so a bundler never drops that registration.
export default libraryConfig({ index: 'src/index.ts', geometry: 'src/geometry/index.ts', card: 'src/export/model-card.ts', fold: 'src/export/fold-batch-norms.ts' });
