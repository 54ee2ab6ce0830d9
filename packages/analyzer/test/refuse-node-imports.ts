// The check that browser code imports no Node module: an esbuild plugin shared by the bundle
// test of the browser entry and the build of the live page (test/live.test.ts).
import { builtinModules } from 'node:module';
import type { Plugin } from 'esbuild';

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

