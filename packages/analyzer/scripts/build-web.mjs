#!/usr/bin/env node
// Builds the live page into dist/web (run by `pnpm build` after tsup): web/index.html and
// live.css, src/web/live-app.ts bundled for browsers with tfjs, face-api and the analyzer
// (esbuild), and tfjs-backend-wasm's .wasm binaries beside them, so the page fetches nothing
// from anywhere but its own folder. `g2rl-analyze web --out DIR` and g2rl-serve's /live
// serve this folder with a model folder and face-api's weights added.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(packageDir, 'package.json'));

/** Builds the page into `outDir` (default dist/web); `plugins` for esbuild (a test adds its Node-import check). */
export async function buildWeb(outDir = join(packageDir, 'dist', 'web'), plugins = []) {
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: [join(packageDir, 'src', 'web', 'live-app.ts')],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    outfile: join(outDir, 'live.js'),
    logLevel: 'silent',
    plugins,
  });
  for (const file of ['index.html', 'live.css']) copyFileSync(join(packageDir, 'web', file), join(outDir, file));
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  // every binary the backend may pick (plain, SIMD, threaded SIMD); static-site.ts lists what a site needs
  for (const file of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDir, file), join(outDir, file));
  return { outDir, warnings: result.warnings };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { outDir } = await buildWeb(process.argv[2]);
  console.log(`live page built in ${outDir}`);
}
