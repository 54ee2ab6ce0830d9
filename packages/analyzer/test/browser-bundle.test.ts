// The browser entry imports no Node module: bundled with esbuild for the browser platform.
// esbuild itself fails on a Node builtin that no package.json `browser` field maps away
// (tfjs maps its guarded Node paths to false); the plugin also refuses any Node builtin or
// sharp imported by g2rl's own code, naming the importer. (The Chromium test runs the result.)
import { builtinModules } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE_ONLY = new Set([...builtinModules, 'sharp']);

/** Fails on any import of a Node builtin (with or without `node:`) or sharp, naming the importer. */
export const refuseNodeImports: Plugin = {
  name: 'refuse-node-imports',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      const bare = args.path.replace(/^node:/, '').split('/')[0]!;
      const ours = !args.importer.includes('/node_modules/') || args.importer.includes('/node_modules/@g2rl/');
      if (ours && (args.path.startsWith('node:') || NODE_ONLY.has(bare))) {
        return { errors: [{ text: `Node-only import "${args.path}" from ${args.importer}` }] };
      }
      return undefined;
    });
  },
};

/** The browser entry with its dependencies, as one ES module for a page. */
export async function bundleBrowserEntry(outfile?: string) {
  return build({
    entryPoints: [join(packageDir, 'src', 'browser.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: outfile !== undefined,
    outfile,
    logLevel: 'silent',
    plugins: [refuseNodeImports],
  });
}

describe('the browser entry', () => {
  it('bundles for the browser with no Node import', async () => {
    const result = await bundleBrowserEntry();
    expect(result.errors).toEqual([]);
    expect(result.outputFiles![0]!.text.length).toBeGreaterThan(100_000);
  }, 60_000);

  it('the check fails on a Node import (so it can fail)', async () => {
    await expect(build({ stdin: { contents: "import { readFileSync } from 'node:fs'; console.log(readFileSync);", resolveDir: packageDir }, bundle: true, platform: 'browser', write: false, logLevel: 'silent', plugins: [refuseNodeImports] }))
      .rejects.toThrow(/Node-only import "node:fs"/);
    await expect(build({ entryPoints: [join(packageDir, 'src', 'node.ts')], bundle: true, platform: 'browser', write: false, logLevel: 'silent', plugins: [refuseNodeImports] }))
      .rejects.toThrow(/Node-only import/);
  }, 60_000);
});
