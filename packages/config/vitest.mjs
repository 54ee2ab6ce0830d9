// One vitest setting for every g2rl package: tests sit beside the code as `*.test.ts`.
// Forks, not threads: tfjs backends keep global state per process.
import { defineConfig, mergeConfig } from 'vitest/config';

/** @param {import('vitest/config').UserConfig} [extra] */
export function packageTestConfig(extra = {}) {
  return mergeConfig(
    defineConfig({
      test: {
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        pool: 'forks',
        testTimeout: 120_000,
        hookTimeout: 120_000,
        reporters: process.env.CI ? ['default'] : ['default'],
      },
    }),
    extra,
  );
}
