import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A scratch folder for a target's files; /dev/shm when there is one (no disk I/O per execution). */
export function scratchDir(name: string): { dir: string; remove(): void } {
  let base = tmpdir();
  try {
    base = mkdtempSync('/dev/shm/g2rl-fuzz-');
    rmSync(base, { recursive: true });
    base = '/dev/shm';
  } catch {
    // no /dev/shm: the ordinary temp folder
  }
  const dir = mkdtempSync(join(base, `g2rl-fuzz-${name}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
