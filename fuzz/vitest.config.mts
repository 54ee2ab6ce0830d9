import { defineConfig } from 'vitest/config';

// `replay.test.ts` in `pnpm test`; `campaign.fuzz.ts` only when fuzz/run.mjs asks (FUZZ_TARGET).
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: process.env.FUZZ_TARGET ? ['campaign.fuzz.ts'] : ['replay.test.ts'],
    pool: 'forks',
    fileParallelism: false,
  },
});
