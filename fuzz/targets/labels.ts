// The DISFA and BP4D label parsers, through the readers users call (readDisfa, readBp4d) on
// the fixtures' exact on-disk layouts with one file replaced by the fuzzed bytes: DISFA's
// `SN001_au1.txt` ("frame,intensity" lines), BP4D's `F001_T1_AU06.csv` (9 = missing) and
// BP4D's landmark CSV ("frame,x0,y0,…"). Allowed: samples, or a DatasetError naming the
// fuzzed file (or the subject's folder) and, for a bad line, its number.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../../packages/datasets/src/errors.js';
import { readBp4d } from '../../packages/datasets/src/readers/bp4d.js';
import { readDisfa } from '../../packages/datasets/src/readers/disfa.js';
import { makeFixtures, type FixtureLayout } from '../../packages/datasets/src/testing/fixtures.js';
import { FuzzViolation, type FuzzTarget } from '../harness.js';
import { scratchDir } from './temp-dir.js';

const NUMBERS = ['0', '1', '5', '9', '-1', '6', '5.0001', '1e3', 'NaN', 'Infinity', '0x10', '00', '4294967296', '9007199254740993', '-0', '.5', ' ', '\t', ',', ';', '\n', '\r\n', 'frame', 'frame,intensity\n'];

interface LabelFile {
  name: string;
  about: string;
  file: (layout: FixtureLayout) => string;
  /** The data set's folder: every error names a file or folder in it. */
  root: (layout: FixtureLayout) => string;
  read: (layout: FixtureLayout, skipBad: boolean) => Promise<unknown[]>;
}

function labelTarget(spec: LabelFile): FuzzTarget {
  let scratch: ReturnType<typeof scratchDir> | undefined;
  let layout: FixtureLayout | undefined;
  let seed: Uint8Array | undefined;
  return {
    name: spec.name,
    about: spec.about,
    async setup() {
      scratch = scratchDir(spec.name);
      layout = await makeFixtures(scratch.dir);
      seed = new Uint8Array(readFileSync(spec.file(layout)));
    },
    async teardown() {
      scratch?.remove();
    },
    seeds: () => [seed!],
    dictionary: NUMBERS,
    async run(input) {
      writeFileSync(spec.file(layout!), input);
      const lenient = await spec.read(layout!, true);
      if (!Array.isArray(lenient)) throw new FuzzViolation('no sample list');
      await spec.read(layout!, false);
    },
    // A file or folder of the data set named, and the line when a line is malformed.
    expected: (error) => error instanceof DatasetError && error.file.startsWith(spec.root(layout!))
      && !(error.file === spec.file(layout!) && error.reason === 'malformed line' && error.line === undefined),
  };
}

export const disfaLabels = labelTarget({
  name: 'disfa-labels',
  about: 'readDisfa with a fuzzed SN001_au1.txt',
  root: (l) => l.disfa,
  file: (l) => join(l.disfa, 'ActionUnit_Labels', 'SN001', 'SN001_au1.txt'),
  read: (l, skipBad) => readDisfa(l.disfa, { subjects: ['SN001'], skipBad }),
});

export const bp4dLabels = labelTarget({
  name: 'bp4d-labels',
  about: 'readBp4d with a fuzzed F001_T1_AU06.csv',
  root: (l) => l.bp4d,
  file: (l) => join(l.bp4d, 'AU-Intensity-Codes3.0', 'AU06', 'F001_T1_AU06.csv'),
  read: (l, skipBad) => readBp4d(l.bp4d, { subjects: ['F001'], skipBad }),
});

export const bp4dLandmarks = labelTarget({
  name: 'bp4d-landmarks',
  about: 'readBp4d with a fuzzed Landmarks/F001_T1.csv',
  root: (l) => l.bp4d,
  file: (l) => join(l.bp4d, 'Landmarks', 'F001_T1.csv'),
  read: (l, skipBad) => readBp4d(l.bp4d, { subjects: ['F001'], skipBad }),
});
