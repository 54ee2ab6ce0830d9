import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A thread script of this app (`replica-worker`, `model-worker`): dist/<name>.js beside the
 * bundle, or, from src/ (tests), the built one.
 */
export function workerScript(name: string): string {
  const candidates = [new URL(`./${name}.js`, import.meta.url), new URL(`../../dist/${name}.js`, import.meta.url)].map((u) => fileURLToPath(u));
  const found = candidates.find((path) => existsSync(path) && !path.endsWith('.ts'));
  if (!found) throw new Error(`${name}.js not found (looked in ${candidates.join(', ')}); build the trainer (pnpm --filter @g2rl/trainer build)`);
  return found;
}
