import { libraryConfig } from '@g2rl/config/tsup';

// node: sharp, files, the default model; browser: no Node module (checked by a test that
// bundles it with esbuild for the browser platform); cli: the g2rl-analyze bin; site: the
// live page's files (dist/web, built by scripts/build-web.mjs after tsup) without tfjs's
// analyzer code, for g2rl-serve's HTTP thread.
// @g2rl/backend-native is an optional dependency (tsup bundles those unless told): imported at run time.
export default libraryConfig({ node: 'src/node.ts', browser: 'src/browser.ts', cli: 'src/cli.ts', site: 'src/web/static-site.ts' }, { external: ['@g2rl/backend-native'] });
