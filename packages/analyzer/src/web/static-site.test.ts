// The static site: every file the page fetches is in it (page, wasm, face-api, model), the
// model folder contributes only what model.json names, a folder of other files is never
// overwritten, and `g2rl-analyze web` writes it. (The page itself runs in test/live.test.ts.)
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelDir } from '@g2rl/model-small-synthetic';
import { describe, expect, it } from 'vitest';
import { modelSiteFiles, siteFiles, writeStaticSite } from './static-site.js';
import { webMain } from './web-cli.js';

const temp = () => mkdtempSync(join(tmpdir(), 'g2rl-site-'));

describe('the static site', () => {
  it('holds the page, the wasm binaries, face-api and BlazeFace weights and the model, and a second write replaces it', () => {
    const out = join(temp(), 'site');
    const first = writeStaticSite(out, { modelDir });
    const names = siteFiles(modelDir).map((f) => f.name);
    expect(first.files).toBe(names.length);
    for (const name of ['index.html', 'live.js', 'live.css', 'tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm',
      'face-api/face_landmark_68_model-weights_manifest.json', 'face-api/blazeface.json', 'model/model.json', 'model/model-card.json']) {
      expect(existsSync(join(out, name)), name).toBe(true);
    }
    expect(readFileSync(join(out, 'model', 'model-card.json'), 'utf8')).toBe(readFileSync(join(modelDir, 'model-card.json'), 'utf8'));
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toMatch(/frames never leave this browser/i);
    writeFileSync(join(out, 'stale.txt'), 'old');
    writeStaticSite(out, { modelDir });
    expect(existsSync(join(out, 'stale.txt'))).toBe(false);
    expect(readdirSync(join(out, '..'))).toEqual(['site']); // no temporary folder left
  });

  it('takes from a model folder only model.json, the card and the weights model.json names', () => {
    const dir = temp();
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['w1.bin', 'w2.bin'] }] }));
    writeFileSync(join(dir, 'model-card.json'), '{}');
    writeFileSync(join(dir, 'checkpoint.bin'), 'x');
    expect(modelSiteFiles(dir).map((f) => f.name)).toEqual(['model.json', 'model-card.json', 'w1.bin', 'w2.bin']);
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['../secret.bin'] }] }));
    expect(() => modelSiteFiles(dir)).toThrow(/weightsManifest\[\]\.paths" holds "\.\.\/secret\.bin"/);
    expect(() => modelSiteFiles(temp())).toThrow(/no model\.json/);
  });

  it('never writes over a folder of other files', () => {
    const out = temp();
    writeFileSync(join(out, 'thesis.tex'), 'precious');
    expect(() => writeStaticSite(out, { modelDir })).toThrow(/holds other files/);
    expect(readFileSync(join(out, 'thesis.tex'), 'utf8')).toBe('precious');
  });

  it('g2rl-analyze web --out DIR [--model DIR]', async () => {
    const lines: string[] = [];
    expect(await webMain([], (l) => lines.push(l))).toBe(2);
    expect(lines[0]).toMatch(/--out DIR is required/);
    expect(await webMain(['--bogus'], (l) => lines.push(l))).toBe(2);
    const out = join(temp(), 'w');
    mkdirSync(out);
    expect(await webMain(['--out', out, '--model', modelDir], (l) => lines.push(l))).toBe(0);
    expect(lines.at(-1)).toMatch(/wrote \d+ files .* to /);
    expect(existsSync(join(out, 'model', 'model.json'))).toBe(true);
  });
});
