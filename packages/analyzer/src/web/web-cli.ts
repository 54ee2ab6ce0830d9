// `g2rl-analyze web --out DIR [--model DIR]`: writes the live page as a static folder (page,
// wasm binaries, face-api's weights, a model) that any static host serves, offline.
import { parseArgs } from 'node:util';
import { defaultModelDir } from '../node-pipeline.js';
import { writeStaticSite } from './static-site.js';

export const WEB_USAGE = `g2rl-analyze web — the live page (webcam or video file → AU intensities in the browser) as a static folder

  g2rl-analyze web --out DIR [--model DIR]

  --out DIR     the folder to write (new, empty, or one this command wrote before: replaced whole)
  --model DIR   the model folder to put in DIR/model (default: @g2rl/model-small-synthetic)

Serve DIR from any static host (e.g. python3 -m http.server -d DIR) and open index.html; the page
loads model/ and face-api/ beside it. Options go in the URL: ?backend=wasm|webgl|cpu&detector=ssd&detectEvery=5.
The camera needs a secure context: https, or http://localhost.`;

/** Runs the subcommand; returns the exit code (2 = usage). */
export async function webMain(argv: string[], log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  let values: { out?: string; model?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: argv, options: { out: { type: 'string' }, model: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    log(`g2rl-analyze web: ${(error as Error).message}\n\n${WEB_USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(WEB_USAGE);
    return 0;
  }
  if (!values.out) {
    log(`g2rl-analyze web: --out DIR is required\n\n${WEB_USAGE}`);
    return 2;
  }
  const modelDir = values.model ?? (await defaultModelDir());
  const site = writeStaticSite(values.out, { modelDir });
  log(`g2rl-analyze web: wrote ${site.files} files (${(site.bytes / 1e6).toFixed(1)} MB) to ${site.outDir}; serve it and open index.html`);
  return 0;
}
