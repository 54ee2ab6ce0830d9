import { packageTestConfig } from '@g2rl/config/vitest';

export default packageTestConfig();
