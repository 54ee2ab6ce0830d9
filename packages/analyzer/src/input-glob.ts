// The simple globs both `g2rl-analyze` and `g2rl-analyze queue add` take: `*` and `?` in the
// last path segment only (`frames/*.png`, `clips/s0?.mp4`), matched in that one folder —
// no recursion, no shell dependence (Windows shells do not expand them).
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Whether `path`'s last segment holds a `*` or `?`. */
export function isGlob(path: string): boolean {
  return /[*?]/.test(basename(path));
}

/** The last segment's glob as an anchored RegExp (`*` any run, `?` one character, all else literal). */
export function globPattern(segment: string): RegExp {
  return new RegExp(`^${segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/**
 * The files of `path`'s folder whose names match its last segment, sorted, as `folder/name`.
 * Throws `fail(message)` naming `arg` (what the user typed) when the folder is missing or
 * nothing matches.
 */
export function expandGlob(arg: string, path: string, fail: (message: string) => Error): string[] {
  const dir = dirname(path);
  if (!existsSync(dir)) throw fail(`${arg}: folder ${dir} does not exist`);
  const pattern = globPattern(basename(path));
  const matched = readdirSync(dir).filter((f) => pattern.test(f)).sort().map((f) => join(dir, f));
  if (matched.length === 0) throw fail(`${arg}: no file matches`);
  return matched;
}
