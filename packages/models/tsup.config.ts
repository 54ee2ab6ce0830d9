import { libraryConfig } from '@g2rl/config/tsup';

// `geometry` is a separate entry so that `@g2rl/models/geometry` pulls in no backbone code;
// `card` (the model-card type and its check) imports nothing, so browsers can use it.
export default libraryConfig({ index: 'src/index.ts', geometry: 'src/geometry/index.ts', card: 'src/export/model-card.ts' });
