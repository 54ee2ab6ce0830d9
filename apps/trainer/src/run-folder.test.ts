import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryPathFor } from '@g2rl/common/fs';
import { makeRunFolders, removeStaleTemporaries, runPaths } from './run-folder.js';

describe('run folder', () => {
  it("removes the temporary files of writers that are gone (a killed run's half checkpoint), not a live one's", () => {
    const paths = runPaths(mkdtempSync(join(tmpdir(), 'g2rl-run-folder-')), 'run');
    makeRunFolders(paths);
    const dir = join(paths.dir, 'checkpoints');
    // pid 2^22 + 1 is above Linux's pid_max default ceiling: no such process
    const dead = join(dir, `.last.ckpt.${2 ** 22 + 1}.0123abcd.tmp`);
    const live = temporaryPathFor(paths.checkpoint); // this process's
    writeFileSync(dead, 'half');
    writeFileSync(live, 'in progress');
    writeFileSync(paths.checkpoint, 'kept');
    writeFileSync(join(dir, 'notes.tmp'), 'not ours');
    expect(removeStaleTemporaries(dir)).toEqual([`.last.ckpt.${2 ** 22 + 1}.0123abcd.tmp`]);
    expect(existsSync(dead)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual([live.split('/').at(-1), 'last.ckpt', 'notes.tmp'].sort());
    makeRunFolders(paths); // and on every start of a run
    expect(existsSync(live)).toBe(true);
  });
});
