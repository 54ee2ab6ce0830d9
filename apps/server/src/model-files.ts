// Which files make an exported model folder; kept apart from the loader so the CLI can
// check a folder without loading tfjs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The files `dir` lacks to be served (empty when it looks like a model folder). */
export function missingModelFiles(dir: string): string[] {
  return ['model.json', 'model-card.json'].filter((f) => !existsSync(join(dir, f)));
}
