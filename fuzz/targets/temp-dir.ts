import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A scratch folder for a target's files; in /dev/shm when there is one (no disk I/O per execution). */
export function scratchDir(name: string): { dir: string; remove(): void } {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, `g2rl-fuzz-${name}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
