import { libraryConfig } from '@g2rl/config/tsup';

// shims: `import.meta.url` (used to resolve the wasm binaries) also works in the CJS build.
// external: optional backends are imported at run time only if installed, never bundled.
export default libraryConfig(['src/index.ts'], {
  shims: true,
  external: ['@g2rl/backend-native', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'],
});
