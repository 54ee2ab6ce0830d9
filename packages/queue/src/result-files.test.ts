import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishResult, readCompleteResult, resultPaths } from './result-files.js';

describe('publishResult / readCompleteResult', () => {
  it('writes the body and a JSON that records its checksum; a tampered or missing part is not complete', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'g2rl-result-'));
    const published = await publishResult(dir, 'video', 'csv', 'a,b\n1,2\n', { input: '/data/video.mp4', inputSha256: 'x' });
    expect(readdirSync(dir).sort()).toEqual(['video.csv', 'video.json']);
    const meta = readCompleteResult(dir, 'video', 'csv');
    expect(meta).toMatchObject({ input: '/data/video.mp4', result: 'video.csv', resultSha256: published.bodySha256 });
    // the recorded checksum is the body's SHA-256, computed here independently of the writer
    const { createHash } = await import('node:crypto');
    expect(JSON.parse(readFileSync(join(dir, 'video.json'), 'utf8')).resultSha256).toBe(createHash('sha256').update('a,b\n1,2\n').digest('hex'));
    writeFileSync(join(dir, 'video.csv'), 'a,b\n1,3\n');
    expect(readCompleteResult(dir, 'video', 'csv')).toBeUndefined();
    expect(readCompleteResult(dir, 'other', 'csv')).toBeUndefined();
  });

  it('refuses names that are paths', () => {
    expect(() => resultPaths('/out', '../x', 'csv')).toThrow(/not a plain file name/);
    expect(() => resultPaths('/out', 'a/b', 'csv')).toThrow(/not a plain file name/);
  });
});
