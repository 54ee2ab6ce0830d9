// The model-card loader of @g2rl/models/card (checkModelCard), fed the JSON text of a
// model-card.json: the shipped model's card mutated byte by byte. Text that is not JSON
// stops at JSON.parse (a SyntaxError is the loader's answer to it); a JSON value must give
// the card or an Error naming the file and the field, never a TypeError from inside.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkModelCard } from '../../packages/models/src/export/model-card.js';
import { FuzzViolation, type FuzzTarget } from '../harness.js';
import { FUZZ_DIR } from '../corpus.js';

const WHERE = 'fuzz/model-card.json';

export const modelCard: FuzzTarget = {
  name: 'model-card',
  about: 'checkModelCard (@g2rl/models/card) on mutated model-card.json text',
  seeds: () => [new Uint8Array(readFileSync(join(FUZZ_DIR, '..', 'packages', 'model-small-synthetic', 'model', 'model-card.json')))],
  dictionary: ['"format"', '"g2rl-model-card/1"', '"aus"', '"scheme"', '"input"', '"size"', '"range"', '"heatmap"', '"sigma"', '"normalization"', '"peak"', '"density"',
    '"alignment"', '"template"', '"training"', '"metrics"', '"versions"', 'null', '[]', '{}', '0', '-1', '1e400', '[0,1]', '"ibug68"', '"__proto__"', ',', ':'],
  run(input) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(input));
    } catch {
      return; // not JSON: the loader's JSON.parse reports it
    }
    const card = checkModelCard(json, WHERE, { inputSize: 64, heatmapSize: 16, channels: 24 });
    if (card.input.size !== 64 || card.heatmap.size !== 16 || card.aus.length !== 12) throw new FuzzViolation('a card that disagrees with the shapes was accepted');
  },
  expected: (error) => (error as Error)?.constructor === Error && (error as Error).message.startsWith(`${WHERE}: field "`),
};
