// Where the wasm binaries live: the installed @tensorflow/tfjs-backend-wasm's dist
// folder, found through Node's resolver so nothing is ever fetched from a URL.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';

const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'] as const;

/**
 * Absolute path (ending in the path separator, as `setWasmPaths` wants a prefix) of the
 * folder holding tfjs-backend-wasm's `.wasm` files. Throws naming the folder and the file
 * when the package is installed without its binaries.
 */
export function wasmBinaryFolder(): string {
  const require = createRequire(import.meta.url);
  let main: string;
  try {
    main = require.resolve('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    throw new Error(
      `@g2rl/backend: cannot resolve @tensorflow/tfjs-backend-wasm (${(error as Error).message}); ` +
        'install it next to @g2rl/backend',
    );
  }
  // `main` is …/tfjs-backend-wasm/dist/tf-backend-wasm.node.js; the binaries sit beside it.
  const folder = dirname(main);
  for (const file of WASM_FILES) {
    if (!existsSync(join(folder, file))) {
      throw new Error(`@g2rl/backend: ${join(folder, file)} is missing; reinstall @tensorflow/tfjs-backend-wasm`);
    }
  }
  return folder + sep;
}
