// The manifest readers (@g2rl/datasets readManifest), JSONL and CSV. Allowed: a sample list,
// or a DatasetError naming the manifest and, for a bad line, its line number. With
// skipBad: true nothing may throw at all. Seeds: the fixtures' manifests (packages/datasets
// testing/fixtures.ts), whose image paths exist, so the image check runs too.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../../packages/datasets/src/errors.js';
import { readManifest } from '../../packages/datasets/src/readers/manifest.js';
import { makeFixtures, type FixtureLayout } from '../../packages/datasets/src/testing/fixtures.js';
import { FuzzViolation, type FuzzTarget } from '../harness.js';
import { scratchDir } from './temp-dir.js';

let scratch: ReturnType<typeof scratchDir> | undefined;
let fixtures: FixtureLayout | undefined;

async function ensureFixtures(): Promise<FixtureLayout> {
  if (!fixtures) {
    scratch = scratchDir('manifest');
    fixtures = await makeFixtures(scratch.dir);
  }
  return fixtures;
}

const FIELDS = ['"id"', '"subject"', '"frame"', '"image"', '"landmarks"', '"scheme"', '"aus"', '"intensities"', '"ibug68"', '"disfa66"', '"bp4d49"'];
const VALUES = ['null', '"NaN"', '""', 'NaN', '-1', '5.5', '1e309', '-0', '[]', '{}', '[[1,2]]', '__proto__', '"__proto__"', '"constructor"', '\\u0000', '\uFEFF'];

function manifestTarget(kind: 'jsonl' | 'csv'): FuzzTarget {
  let path = '';
  return {
    name: `manifest-${kind}`,
    about: `readManifest on a .${kind} manifest (strict and skipBad)`,
    async setup() {
      const layout = await ensureFixtures();
      // Beside the fixture's own manifest, so relative image paths resolve to real files.
      path = join(layout.manifestJsonl, '..', `fuzz.${kind}`);
    },
    async teardown() {
      scratch?.remove();
      scratch = undefined;
      fixtures = undefined;
    },
    async seeds() {
      const layout = await ensureFixtures();
      return [new Uint8Array(readFileSync(kind === 'jsonl' ? layout.manifestJsonl : layout.manifestCsv))];
    },
    dictionary: kind === 'jsonl'
      ? [...FIELDS, ...VALUES, ',', ':', '\n', '{', '}', '[', ']', '"']
      : ['image', 'subject', 'frame', 'id', 'scheme', 'x0', 'y0', 'x67', 'AU1', 'AU12', 'au0', ',', ',,', '\n', '\r\n', ...VALUES],
    async run(input) {
      writeFileSync(path, input);
      const lenient = await readManifest(path, { skipBad: true });
      if (!lenient.every((s) => s.landmarks.every(Number.isFinite))) throw new FuzzViolation('a sample with non-finite landmarks was accepted');
      await readManifest(path);
    },
    // The manifest named, and for a bad line (not a missing file) its line number.
    expected: (error) => error instanceof DatasetError && error.file === path && (error.reason === 'missing file' || error.line !== undefined),
  };
}

export const manifestJsonl = manifestTarget('jsonl');
export const manifestCsv = manifestTarget('csv');
