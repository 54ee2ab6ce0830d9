import { libraryConfig } from '@g2rl/config/tsup';

// `testing`: a real redis-server on a free port, for the tests of every package that queues.
export default libraryConfig({ index: 'src/index.ts', testing: 'src/testing/redis-server.ts' });
