// One tsup setting for every g2rl package: ESM + CJS + .d.ts, Node 20, no minify
// (readable stack traces for researchers), source maps. G2RL_BUILD_TYPES=0 leaves out the
// .d.ts files (`pnpm demo` runs the code and needs no types; declarations are most of the
// build's time); turbo.json lists the variable, so such a build is never taken from the cache
// for a full one.
import { defineConfig } from 'tsup';

/**
 * @param {Record<string,string> | string[]} entry entry points, e.g. `['src/index.ts']`
 * @param {import('tsup').Options} [extra] overrides for one package
 */
export function libraryConfig(entry = ['src/index.ts'], extra = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: process.env.G2RL_BUILD_TYPES !== '0',
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: false,
    treeshake: true,
    // import.meta.url in the CJS build, __dirname in the ESM build
    shims: true,
    ...extra,
    // Never bundle a sibling package: tsup leaves dependencies external but would inline an
    // optionalDependency (e.g. @g2rl/backend-native, whose addon is then looked for in the
    // wrong folder) or a devDependency.
    external: [/^@g2rl\//, ...(extra.external ?? [])],
  });
}
