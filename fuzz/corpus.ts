// The corpus folders: fuzz/corpus/<target>/ holds the real-file seeds and every finding
// (an input that once crashed or hung a parser), replayed by replay.test.ts.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FUZZ_DIR = dirname(fileURLToPath(import.meta.url));
export const corpusDir = (target: string): string => join(FUZZ_DIR, 'corpus', target);

/** The corpus files of a target, sorted by name: `{ name, bytes }`. */
export function corpusFiles(target: string): { name: string; bytes: Uint8Array }[] {
  let names: string[];
  try {
    names = readdirSync(corpusDir(target)).sort();
  } catch {
    return [];
  }
  return names.filter((n) => !n.startsWith('.')).map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(corpusDir(target), name))) }));
}

/** Saves a finding as `finding-<sha1 prefix>` in the target's corpus; returns its path. */
export function saveFinding(target: string, bytes: Uint8Array): string {
  mkdirSync(corpusDir(target), { recursive: true });
  const path = join(corpusDir(target), `finding-${createHash('sha1').update(bytes).digest('hex').slice(0, 12)}`);
  writeFileSync(path, bytes);
  return path;
}
