import { mkdtemp, readFile, rm, stat, mkdir, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifest } from '../readers/manifest.js';
import { SYNTHETIC_AUS } from './action-units.js';
import { SYNTHETIC_CHECKSUMS, SYNTHETIC_INFO, SYNTHETIC_MANIFEST, readSyntheticManifest, synthesizeDataset } from './synthesize-dataset.js';

const dirs: string[] = [];
const fresh = async (): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), 'g2rl-synth-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('synthesizeDataset', () => {
  it('is byte-identical for a seed whatever the concurrency, and differs for another seed', async () => {
    const [a, b, c] = [await fresh(), await fresh(), await fresh()];
    const opts = { identities: 3, framesPerIdentity: 8, seed: 17, size: 64 };
    await synthesizeDataset({ ...opts, outDir: a, concurrency: 1 });
    await synthesizeDataset({ ...opts, outDir: b, concurrency: 6 });
    await synthesizeDataset({ ...opts, outDir: c, seed: 18 });
    const read = (dir: string, file: string): Promise<Buffer> => readFile(join(dir, file));
    expect((await read(a, SYNTHETIC_MANIFEST)).equals(await read(b, SYNTHETIC_MANIFEST))).toBe(true);
    expect((await read(a, SYNTHETIC_INFO)).equals(await read(b, SYNTHETIC_INFO))).toBe(true);
    expect((await read(a, 'S002/F0005.png')).equals(await read(b, 'S002/F0005.png'))).toBe(true);
    expect((await read(a, SYNTHETIC_MANIFEST)).equals(await read(c, SYNTHETIC_MANIFEST))).toBe(false);
  });

  it('writes one folder per subject, S×S images and a complete manifest line per image', async () => {
    const dir = await fresh();
    const result = await synthesizeDataset({ outDir: dir, identities: 4, framesPerIdentity: 30, seed: 3, size: 96 });
    expect(result.reused).toBe(false);
    expect(result.entries.length).toBe(120);
    const manifest = await readSyntheticManifest(join(dir, SYNTHETIC_MANIFEST));
    expect(manifest).toEqual(result.entries);
    expect((await readdir(dir)).filter((n) => /^S\d+$/.test(n)).sort()).toEqual(['S001', 'S002', 'S003', 'S004']);
    for (const e of manifest) {
      expect(Object.keys(e).sort()).toEqual(['aus', 'frame', 'id', 'image', 'intensities', 'landmarks', 'scheme', 'subject']);
      expect(e.scheme).toBe('ibug68');
      expect(e.aus).toEqual([...SYNTHETIC_AUS]);
      expect(e.landmarks.length).toBe(136);
      for (const v of e.landmarks) expect(v >= 0 && v <= 95).toBe(true);
      expect(e.intensities.length).toBe(12);
      for (const v of e.intensities) expect(Number.isInteger(v) && v >= 0 && v <= 5).toBe(true);
      expect(e.image).toBe(`${e.subject}/F${String(e.frame).padStart(4, '0')}.png`);
    }
    const meta = await sharp(join(dir, manifest[37].image)).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([96, 96, 3]);
    const info = JSON.parse(await readFile(join(dir, SYNTHETIC_INFO), 'utf8'));
    expect(info.counts.images).toBe(120);
    expect(info.counts.subjects).toBe(4);
    expect(info.options).toEqual({ identities: 4, framesPerIdentity: 30, count: 120, size: 96, format: 'png' });
    expect(info.counts.labelHistogram.reduce((s: number, v: number) => s + v, 0)).toBe(120 * 12);
  });

  it('reuses a data set whose dataset.json matches, without rendering; re-renders when an option changes', async () => {
    const dir = await fresh();
    const opts = { outDir: dir, identities: 2, framesPerIdentity: 5, seed: 4, size: 64 };
    await synthesizeDataset(opts);
    const image = join(dir, 'S001/F0002.png');
    const before = (await stat(image)).mtimeMs;
    await new Promise((resolve) => setTimeout(resolve, 20));
    let rendered = 0;
    const again = await synthesizeDataset({ ...opts, onProgress: () => rendered++ });
    expect(again.reused).toBe(true);
    expect(rendered).toBe(0);
    expect((await stat(image)).mtimeMs).toBe(before);
    expect(again.entries.length).toBe(10);
    const changed = await synthesizeDataset({ ...opts, seed: 5, onProgress: () => rendered++ });
    expect(changed.reused).toBe(false);
    expect(rendered).toBe(10);
  });

  it('renders again, on reuse, the images that are truncated, altered or missing (checksums), and only those', async () => {
    const dir = await fresh();
    const opts = { outDir: dir, identities: 2, framesPerIdentity: 4, seed: 6, size: 64 };
    const first = await synthesizeDataset(opts);
    const sums = await readFile(join(dir, SYNTHETIC_CHECKSUMS), 'utf8');
    expect(sums.trim().split('\n')).toHaveLength(8);
    expect(sums).toMatch(/^[0-9a-f]{64} {2}S001\/F0000\.png$/m);
    const good = await Promise.all(first.entries.map((e) => readFile(join(dir, e.image))));
    const [truncated, altered, missing] = ['S001/F0001.png', 'S002/F0000.png', 'S002/F0003.png'];
    await writeFile(join(dir, truncated), good[1].subarray(0, 100));
    const flipped = Buffer.from(good[4]);
    flipped[flipped.length - 20] ^= 1; // inside the PNG's data: still a file of the right size
    await writeFile(join(dir, altered), flipped);
    await rm(join(dir, missing));
    let rendered = 0;
    const again = await synthesizeDataset({ ...opts, onProgress: () => rendered++ });
    expect(again.reused).toBe(true);
    expect(again.repaired).toEqual([truncated, altered, missing].sort());
    expect(rendered).toBe(0); // onProgress counts full renders; the repair is not one
    const after = await Promise.all(again.entries.map((e) => readFile(join(dir, e.image))));
    after.forEach((bytes, i) => expect(bytes.equals(good[i]), again.entries[i].image).toBe(true));
    expect(await readFile(join(dir, SYNTHETIC_CHECKSUMS), 'utf8')).toBe(sums);
    expect((await synthesizeDataset(opts)).repaired).toEqual([]);
  });

  it('does not reuse a data set without its checksum file', async () => {
    const dir = await fresh();
    const opts = { outDir: dir, identities: 1, framesPerIdentity: 2, seed: 2, size: 64 };
    await synthesizeDataset(opts);
    await rm(join(dir, SYNTHETIC_CHECKSUMS));
    expect((await synthesizeDataset(opts)).reused).toBe(false);
  });

  it('does not reuse an incomplete data set (no dataset.json) and removes folders of a larger earlier one', async () => {
    const dir = await fresh();
    await mkdir(join(dir, 'S009'), { recursive: true });
    await writeFile(join(dir, 'S009', 'F0000.png'), 'stale');
    await writeFile(join(dir, SYNTHETIC_MANIFEST), 'half written');
    const result = await synthesizeDataset({ outDir: dir, identities: 2, framesPerIdentity: 3, size: 64 });
    expect(result.reused).toBe(false);
    expect((await readdir(dir)).sort()).toEqual(['S001', 'S002', SYNTHETIC_CHECKSUMS, SYNTHETIC_INFO, SYNTHETIC_MANIFEST].sort());
  });

  it('honours count (the last subject gets fewer frames) and jpeg', async () => {
    const dir = await fresh();
    const result = await synthesizeDataset({ outDir: dir, identities: 3, count: 7, size: 64, format: 'jpeg' });
    expect(result.entries.map((e) => e.id)).toEqual(['S001_F0000', 'S001_F0001', 'S001_F0002', 'S002_F0000', 'S002_F0001', 'S002_F0002', 'S003_F0000']);
    expect((await sharp(join(dir, 'S003/F0000.jpg')).metadata()).format).toBe('jpeg');
  });

  it('produces mostly neutral frames and co-occurring AUs over a few hundred images', async () => {
    const dir = await fresh();
    const { entries, info } = await synthesizeDataset({ outDir: dir, identities: 8, framesPerIdentity: 60, seed: 8, size: 48 });
    const neutral = entries.filter((e) => e.intensities.every((v) => v === 0)).length;
    expect(info.counts.neutralFrames).toBe(neutral);
    expect(neutral / entries.length).toBeGreaterThan(0.35);
    expect(neutral / entries.length).toBeLessThan(0.8);
    // AU12 is far more likely in frames with AU6 than overall (lift > 2; ≈ 9 on average).
    const i6 = SYNTHETIC_AUS.indexOf(6);
    const i12 = SYNTHETIC_AUS.indexOf(12);
    const with6 = entries.filter((e) => e.intensities[i6] > 0);
    const with12 = entries.filter((e) => e.intensities[i12] > 0);
    const with6and12 = with6.filter((e) => e.intensities[i12] > 0);
    expect(with6.length).toBeGreaterThan(0);
    expect(with6and12.length / with6.length).toBeGreaterThan((2 * with12.length) / entries.length);
  });

  it('rejects bad options with the field named', async () => {
    const outDir = await fresh();
    await expect(synthesizeDataset({ outDir: '' })).rejects.toThrow(/options.outDir must be a non-empty folder path/);
    await expect(synthesizeDataset({ outDir, identities: 0 })).rejects.toThrow(/options.identities must be an integer in \[1, 100000\], got 0/);
    await expect(synthesizeDataset({ outDir, framesPerIdentity: 1.5 })).rejects.toThrow(/options.framesPerIdentity/);
    await expect(synthesizeDataset({ outDir, seed: -1 })).rejects.toThrow(/options.seed/);
    await expect(synthesizeDataset({ outDir, size: 20 })).rejects.toThrow(/options.size must be an integer number of pixels in \[48, 1024\], got 20/);
    await expect(synthesizeDataset({ outDir, format: 'bmp' as never })).rejects.toThrow(/options.format must be 'png' or 'jpeg', got "bmp"/);
    await expect(synthesizeDataset({ outDir, concurrency: 0 })).rejects.toThrow(/options.concurrency/);
    await expect(synthesizeDataset({ outDir, identities: 2, framesPerIdentity: 2, count: 5 })).rejects.toThrow(/options.count must be at most identities × framesPerIdentity = 4/);
  });

  it("is read by the package's own readManifest without a single skipped line", async () => {
    const dir = await fresh();
    const { entries } = await synthesizeDataset({ outDir: dir, identities: 2, framesPerIdentity: 6, size: 64 });
    const samples = await readManifest(join(dir, SYNTHETIC_MANIFEST));
    expect(samples.skipped).toEqual([]);
    expect(samples.map((s) => s.id)).toEqual(entries.map((e) => e.id));
    expect(samples[3].image).toBe(join(dir, entries[3].image));
    expect(Array.from(samples[3].intensities)).toEqual(entries[3].intensities);
  });

  it('names the file and line of a malformed manifest', async () => {
    const dir = await fresh();
    await writeFile(join(dir, 'm.jsonl'), '{"id":"a"}\n{oops\n');
    await expect(readSyntheticManifest(join(dir, 'm.jsonl'))).rejects.toThrow(/m\.jsonl:2: not valid JSON/);
  });
});
