import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `replay.test.ts` in `pnpm test`; `campaign.fuzz.ts` only when fuzz/run.mjs asks (FUZZ_TARGET).
export default defineConfig({
  test: {
    root: dirname(fileURLToPath(import.meta.url)),
    include: process.env.FUZZ_TARGET ? ['campaign.fuzz.ts'] : ['replay.test.ts'],
    pool: 'forks',
    fileParallelism: false,
  },
});
