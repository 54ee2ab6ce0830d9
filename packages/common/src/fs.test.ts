import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openAtomicFileSync, temporaryPathFor, writeFileAtomic, writeFileAtomicSync } from './fs.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'g2rl-common-'));

describe('writeFileAtomicSync', () => {
  it('writes and replaces a file, leaving no temporary file', () => {
    const dir = fresh();
    const path = join(dir, 'a.txt');
    writeFileAtomicSync(path, 'first');
    writeFileAtomicSync(path, new Uint8Array([104, 105]));
    expect(readFileSync(path, 'utf8')).toBe('hi');
    expect(readdirSync(dir)).toEqual(['a.txt']);
  });

  it('leaves the old file and no temporary file when the rename fails', () => {
    const dir = fresh();
    const path = join(dir, 'target');
    writeFileSync(path, 'old');
    // Renaming a file over a non-empty directory fails: the directory is the target here.
    writeFileAtomicSync(join(dir, 'x'), 'x');
    expect(() => writeFileAtomicSync(join(dir, 'missing-dir', 'f'), 'new')).toThrow(/ENOENT/);
    expect(() => writeFileAtomicSync(dir, 'new')).toThrow();
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir).sort()).toEqual(['target', 'x']);
  });
});

describe('writeFileAtomic', () => {
  it('writes several chunks in order', async () => {
    const dir = fresh();
    const path = join(dir, 'b.bin');
    await writeFileAtomic(path, ['ab', new Uint8Array([99]), 'd']);
    expect(readFileSync(path, 'utf8')).toBe('abcd');
    expect(readdirSync(dir)).toEqual(['b.bin']);
  });

  it('cleans up after a failed rename', async () => {
    const dir = fresh();
    await expect(writeFileAtomic(dir, 'x')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('puts the temporary file beside the target', () => {
    expect(temporaryPathFor('/a/b/c.csv')).toMatch(/^\/a\/b\/\.c\.csv\.\d+\.[0-9a-f]{8}\.tmp$/);
  });
});

describe('openAtomicFileSync', () => {
  it('shows nothing at the target until commit; abort leaves the old file', () => {
    const dir = fresh();
    const path = join(dir, 'video.csv');
    writeFileSync(path, 'old');
    const file = openAtomicFileSync(path);
    file.write('a,b\n');
    file.write(new Uint8Array([49, 44, 50, 10]));
    expect(readFileSync(path, 'utf8')).toBe('old');
    file.commit();
    expect(readFileSync(path, 'utf8')).toBe('a,b\n1,2\n');
    const second = openAtomicFileSync(path);
    second.write('half');
    second.abort();
    expect(readFileSync(path, 'utf8')).toBe('a,b\n1,2\n');
    expect(readdirSync(dir)).toEqual(['video.csv']);
    expect(() => second.write('x')).toThrow(/after commit or abort/);
  });
});
