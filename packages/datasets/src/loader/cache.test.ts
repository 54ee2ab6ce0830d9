import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../readers/manifest.js';
import type { SampleList } from '../sample.js';
import { makeFixtures } from '../testing/fixtures.js';
import { cacheAlignedCrops } from './cache.js';

let root: string;
let samples: SampleList;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'g2rl-crop-cache-'));
  samples = await readManifest((await makeFixtures(root)).manifestJsonl);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('cacheAlignedCrops: damaged cache files', () => {
  it.each([
    ['a flipped byte (same size)', (file: string) => {
      const bytes = readFileSync(file);
      bytes[Math.floor(bytes.length / 3)] ^= 0x40;
      writeFileSync(file, bytes);
    }, /sha256 .* differs from the index's .* \(corrupted\)/],
    ['a truncated file', (file: string) => truncateSync(file, 1000), /1000 bytes, the index says \d+ \(truncated or damaged\)/],
  ])('detects %s by its checksum or size and rebuilds the crops instead of using them', async (_what, damage, reason) => {
    const cacheDir = join(root, `cache-${reason.source.length}`);
    const first = await cacheAlignedCrops(samples, { size: 40, cacheDir });
    const good = readFileSync(first.path);
    damage(first.path);
    const reports: string[] = [];
    let decoded = 0;
    const again = await cacheAlignedCrops(samples, { size: 40, cacheDir, onDamaged: (file, why) => reports.push(`${file}: ${why}`), onProgress: () => decoded++ });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain(first.path);
    expect(reports[0]).toMatch(reason);
    expect(decoded).toBeGreaterThan(0); // rebuilt from the images
    expect(again.crops).toEqual(first.crops);
    expect(again.landmarks).toEqual(first.landmarks);
    expect(readFileSync(first.path).equals(good)).toBe(true);
    // and the rebuilt file loads without a report
    const third = await cacheAlignedCrops(samples, { size: 40, cacheDir, onDamaged: (file) => reports.push(file) });
    expect(reports).toHaveLength(1);
    expect(third.crops).toEqual(first.crops);
  });
});
