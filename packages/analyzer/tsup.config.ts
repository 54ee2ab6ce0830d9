import { libraryConfig } from '@g2rl/config/tsup';

// node: sharp, files, the default model; browser: no Node module (checked by a test that
// bundles it with esbuild for the browser platform); cli: the g2rl-analyze bin.
export default libraryConfig({ node: 'src/node.ts', browser: 'src/browser.ts', cli: 'src/cli.ts' });
