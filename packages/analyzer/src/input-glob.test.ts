import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandGlob, globPattern, isGlob } from './input-glob.js';

describe('input globs', () => {
  it('tells globs by the last segment only', () => {
    expect(isGlob('frames/*.png')).toBe(true);
    expect(isGlob('clip?.mp4')).toBe(true);
    expect(isGlob('a*b/photo.jpg')).toBe(false);
  });

  it('matches * and ? and takes every other character literally', () => {
    expect(globPattern('s0?.mp4').test('s01.mp4')).toBe(true);
    expect(globPattern('s0?.mp4').test('s012.mp4')).toBe(false);
    expect(globPattern('*.jpg').test('a.jpg')).toBe(true);
    expect(globPattern('*.jpg').test('ajpg')).toBe(false); // the dot is literal
    expect(globPattern('(1)+[x].jpg').test('(1)+[x].jpg')).toBe(true);
  });

  it('lists the folder’s matches sorted, and names what the user typed when nothing matches', () => {
    const dir = mkdtempSync(join(tmpdir(), 'g2rl-glob-'));
    for (const f of ['b.jpg', 'a.jpg', 'c.png']) writeFileSync(join(dir, f), '');
    mkdirSync(join(dir, 'sub'));
    expect(expandGlob('x/*.jpg', join(dir, '*.jpg'), (m) => new Error(m))).toEqual([join(dir, 'a.jpg'), join(dir, 'b.jpg')]);
    expect(() => expandGlob('x/*.gif', join(dir, '*.gif'), (m) => new RangeError(m))).toThrow(new RangeError('x/*.gif: no file matches'));
    expect(() => expandGlob('nowhere/*.jpg', join(dir, 'nowhere', '*.jpg'), (m) => new Error(m))).toThrow(/nowhere\/\*\.jpg: folder .*nowhere does not exist/);
  });
});
