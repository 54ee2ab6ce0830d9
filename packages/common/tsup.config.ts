import { libraryConfig } from '@g2rl/config/tsup';

export default libraryConfig(['src/index.ts', 'src/random.ts', 'src/fs.ts']);
