import { mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from './config.js';
import { alignedCrops, cropCacheDir, ensureSyntheticData, loadData } from './data.js';
import { createReporter } from './progress.js';

/** A json-mode reporter writing to a string and to `logFile`, as `g2rl-train train --json` does. */
function capture(logFile: string) {
  let text = '';
  const out = new Writable({ write(chunk, _encoding, done) { text += String(chunk); done(); } });
  return { reporter: createReporter('json', logFile, out), output: () => text };
}

const infoEvents = (jsonl: string) => jsonl.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>).filter((e) => e.event === 'info');

describe('the data step reports damaged caches it rebuilt', () => {
  const dir = mkdtempSync(join(tmpdir(), 'g2rl-trainer-data-'));
  const config = resolveConfig({
    preset: 'demo',
    overrides: { cacheDir: join(dir, 'cache'), data: { kind: 'synthetic', path: join(dir, 'synthetic'), identities: 2, framesPerIdentity: 2, validationSubjects: 0 } },
  });

  it('crop cache: a flipped byte in the binary file is rebuilt and said on screen and in log.jsonl', async () => {
    const data = await loadData(config);
    const first = capture(join(dir, 'log-crops-1.jsonl'));
    await alignedCrops(data.samples, { size: 32, cacheDir: cropCacheDir(config) }, first.reporter);
    expect(first.output()).not.toMatch(/damaged/); // built, nothing to repair

    const bin = readdirSync(cropCacheDir(config)).find((n) => n.endsWith('.bin'))!;
    const path = join(cropCacheDir(config), bin);
    const bytes = readFileSync(path);
    bytes[100] ^= 0xff;
    writeFileSync(path, bytes);

    const logFile = join(dir, 'log-crops-2.jsonl');
    const second = capture(logFile);
    const cache = await alignedCrops(data.samples, { size: 32, cacheDir: cropCacheDir(config) }, second.reporter);
    expect(cache.count).toBe(data.samples.length);
    const line = new RegExp(`crop cache: 1 damaged entry rebuilt \\(first: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: sha256 [0-9a-f]{12}… differs from the index's [0-9a-f]{12}… \\(corrupted\\)\\)`);
    expect(infoEvents(second.output()).map((e) => e.message)).toEqual([expect.stringMatching(line)]);
    const logged = infoEvents(readFileSync(logFile, 'utf8'));
    expect(logged).toHaveLength(1);
    expect(logged[0]!.message).toMatch(line);
    expect(logged[0]!.cropCacheDamaged).toEqual([{ file: path, reason: expect.stringMatching(/corrupted/) }]);
    // rebuilt: a third load finds nothing wrong
    const third = capture(join(dir, 'log-crops-3.jsonl'));
    await alignedCrops(data.samples, { size: 32, cacheDir: cropCacheDir(config) }, third.reporter);
    expect(third.output()).not.toMatch(/damaged/);
  });

  it('synthetic data: a truncated image is rendered again and said on screen and in log.jsonl', async () => {
    await ensureSyntheticData(config);
    const manifest = readFileSync(join(config.data.path, 'manifest.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { image: string });
    const image = manifest[1]!.image;
    truncateSync(join(config.data.path, image), 10);

    const logFile = join(dir, 'log-synthetic.jsonl');
    const { reporter, output } = capture(logFile);
    await ensureSyntheticData(config, reporter);
    const expected = `synthetic data: 1 damaged image (missing or failing SHA256SUMS) rendered again (first: ${join(config.data.path, image)})`;
    expect(infoEvents(output()).map((e) => e.message)).toContain(expected);
    const logged = infoEvents(readFileSync(logFile, 'utf8')).find((e) => e.message === expected);
    expect(logged?.syntheticRepaired).toEqual([image]);
  });
});
