// Sizes: the fixed model's dense layer, kernel 3×1536 and bias 1536 float32 = 24 576 bytes.
// A broken model folder, at start and when a restarted worker reloads it: truncated or
// over-long weights, a missing weight file, a manifest path leaving the folder, a weight
// shape that does not fit the network, a card that disagrees with the weights. Each is an
// error naming the file, and /readyz says why.
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkModelFolder } from './model-folder.js';
import { loadServedModel } from './model-loader.js';
import { createServer } from './server.js';
import { SPEC, writeFixedModel } from './test-support.js';

let good: string;
const scratch: string[] = [];

/** A fresh copy of the good folder, changed by `edit`. */
function broken(edit: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'g2rl-broken-'));
  scratch.push(dir);
  cpSync(good, dir, { recursive: true });
  edit(dir);
  return dir;
}
const json = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));
const writeJson = (dir: string, file: string, value: unknown) => writeFileSync(join(dir, file), JSON.stringify(value));

beforeAll(async () => {
  good = mkdtempSync(join(tmpdir(), 'g2rl-good-model-'));
  scratch.push(good);
  await writeFixedModel(good, SPEC);
});
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('checkModelFolder', () => {
  it('accepts an exported folder and lists its weight files', () => {
    expect(checkModelFolder(good)).toEqual([join(good, 'weights.bin')]);
  });

  it.each([
    ['truncated weights', (d: string) => truncateSync(join(d, 'weights.bin'), 100), /weights\.bin: truncated: holds 100 bytes, but the 2 weights .*model\.json declares need 24576$/],
    ['weights longer than declared', (d: string) => appendFileSync(join(d, 'weights.bin'), Buffer.alloc(4)), /weights\.bin: longer than declared: holds 24580 bytes, but .* need 24576$/],
    ['a missing weight file', (d: string) => unlinkSync(join(d, 'weights.bin')), /weights\.bin: weight file named in .*model\.json cannot be read \(ENOENT\)/],
    ['model.json not JSON', (d: string) => writeFileSync(join(d, 'model.json'), '{"modelTopology": '), /model\.json: cannot be read as JSON/],
    ['a manifest path leaving the folder', (d: string) => {
      const m = json(d, 'model.json');
      m.weightsManifest[0].paths = ['../../etc/passwd'];
      writeJson(d, 'model.json', m);
    }, /weight path "\.\.\/\.\.\/etc\/passwd" leaves the model folder/],
  ])('%s: an error naming the file', (_name, edit, message) => {
    const dir = broken(edit);
    expect(() => checkModelFolder(dir)).toThrow(message);
    expect(() => checkModelFolder(dir)).toThrow(dir);
  });
});

describe('loadServedModel', () => {
  it('loads the good folder with the card checked by @g2rl/models/card', async () => {
    const { model, card } = await loadServedModel(good);
    expect(card.aus).toEqual(SPEC.aus);
    expect(card.preset).toBe('fixed-test');
    model.dispose();
  });

  it('a weight shape that does not fit the network names model.json', async () => {
    // Declare the dense kernel 3×H·H·K as 6×(H·H·K/2): same bytes, so only tfjs can notice.
    const dir = broken((d) => {
      const m = json(d, 'model.json');
      const kernel = m.weightsManifest[0].weights.find((w: { shape: number[] }) => w.shape.length === 2);
      kernel.shape = [6, kernel.shape[1] / 2];
      writeJson(d, 'model.json', m);
    });
    // (tfjs's loadLayersModel keeps the tensors of the half-built model when this happens; the
    // worker that fails to load is terminated, which frees them.)
    await expect(loadServedModel(dir)).rejects.toThrow(new RegExp(`^${join(dir, 'model.json')}: the network and its weights do not fit \\(.*`));
  });

  it.each([
    ['aus', { aus: [1, 2, 4, 5] }, /model-card\.json: field "aus" must be 3 AUs \(the model has K = 6/],
    ['heatmap.size', { heatmap: { size: 32, sigma: 0.5, normalization: 'peak' } }, /model-card\.json: field "heatmap.size" must be 16 \(the model's heatmap side\)/],
    ['preset (the strict card check)', { preset: '' }, /model-card\.json: field "preset" must be a preset name/],
  ])('a card whose %s disagrees: names model-card.json and the field', async (_field, change, message) => {
    const dir = broken((d) => writeJson(d, 'model-card.json', { ...json(d, 'model-card.json'), ...change }));
    await expect(loadServedModel(dir)).rejects.toThrow(message);
    await expect(loadServedModel(dir)).rejects.toThrow(join(dir, 'model-card.json'));
  });
});

describe('the server with a broken folder', () => {
  it('at start: /readyz is 503 and says which file', async () => {
    const dir = broken((d) => truncateSync(join(d, 'weights.bin'), 64));
    const server = await createServer({ modelDir: dir, port: 0, workers: 1 });
    try {
      const url = await server.listen();
      await expect(server.pool.ready).rejects.toThrow(/weights\.bin: truncated/);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect((await ready.json()).detail).toMatch(new RegExp(`could not be loaded: ${join(dir, 'weights.bin')}: truncated`));
    } finally {
      await server.close();
    }
  });

  it('on reload (a restarted worker finds the folder broken): /readyz says why, no request hangs', async () => {
    const dir = broken(() => undefined);
    const server = await createServer({ modelDir: dir, port: 0, workers: 1, faults: true });
    try {
      const url = await server.listen();
      await server.pool.ready;
      unlinkSync(join(dir, 'weights.bin'));
      server.pool.injectFault('exit');
      await fetch(`${url}/v1/model`); // no batch yet: the fault waits for one
      const crop = Buffer.from(await (await import('sharp')).default({ create: { width: 64, height: 64, channels: 3, background: '#808080' } }).png().toBuffer());
      const dying = await fetch(`${url}/v1/analyze?aligned=true`, { method: 'POST', body: crop as never, headers: { 'content-type': 'image/png' } });
      expect(dying.status).toBe(503);
      await expect.poll(async () => (await (await fetch(`${url}/readyz`)).json()).detail, { timeout: 60_000, interval: 200 })
        .toMatch(/could not be loaded: .*weights\.bin: weight file named in .*model\.json cannot be read \(ENOENT\)/);
      const after = await fetch(`${url}/v1/analyze?aligned=true`, { method: 'POST', body: crop as never, headers: { 'content-type': 'image/png' } });
      expect(after.status).toBe(503);
    } finally {
      await server.close();
    }
  }, 90_000);
});
