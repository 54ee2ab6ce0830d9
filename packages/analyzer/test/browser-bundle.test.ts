// The browser entry imports no Node module: bundled with esbuild for the browser platform.
// esbuild itself fails on a Node builtin that no package.json `browser` field maps away
// (tfjs maps its guarded Node paths to false); the plugin also refuses any Node builtin or
// sharp imported by g2rl's own code, naming the importer. (The Chromium test runs the result.)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { refuseNodeImports } from './refuse-node-imports.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
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
