// The MAT v5 reader (@g2rl/datasets readMatV5) and DISFA's landmark reading on top of it
// (landmarksFromMat). Allowed: the variables, a reason string (landmarksFromMat), or a
// MatFileError naming the file. Seeds: SciPy-written files (fuzz/seeds/make-mat-seeds.py)
// and the package's own writer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { landmarksFromMat } from '../../packages/datasets/src/readers/disfa.js';
import { MatFileError, readMatV5, writeMatV5 } from '../../packages/datasets/src/readers/mat-v5.js';
import { FUZZ_DIR } from '../corpus.js';
import { FuzzViolation, type FuzzTarget } from '../harness.js';

const WHERE = 'fuzz/l0001_lm.mat';
const REPO_FIXTURES = [
  'disfa-distributed/Landmark_Points/SN001/tmp_frame_lm/SN001_0001_lm.mat',
  'disfa-distributed/Landmark_Points/SN006/tmp_frame_lm/l0001_lm.mat',
  'matlab-v73-user-block.mat',
];
const pts = Array.from({ length: 66 }, (_, i) => [10 + i, 20 + (i % 7)]);

export const matV5: FuzzTarget = {
  name: 'mat-v5',
  about: 'readMatV5 + landmarksFromMat (MAT v5 reader, DISFA landmark files)',
  seeds: () => [
    writeMatV5({ pts }), writeMatV5({ pts }, true), writeMatV5({ a: [[1, 2, 3]], pts }, true),
    // the package's fixtures: SciPy-written DISFA landmark files and a MATLAB -v7.3 header
    ...REPO_FIXTURES.map((f) => new Uint8Array(readFileSync(join(FUZZ_DIR, '..', 'packages', 'datasets', 'test', 'fixtures', f)))),
  ],
  run(input) {
    const variables = readMatV5(input, WHERE);
    for (const v of variables) {
      const numeric = v.data.length > 0;
      if (numeric && v.dims.reduce((a, b) => a * b, 1) !== v.data.length) throw new FuzzViolation(`${v.name}: dims ${v.dims} but ${v.data.length} values`);
    }
    const landmarks = landmarksFromMat(input, WHERE);
    if (typeof landmarks !== 'string' && landmarks.landmarks.some((x) => !Number.isFinite(x))) throw new FuzzViolation('non-finite landmark accepted');
  },
  expected: (error) => error instanceof MatFileError && error.file === WHERE && error.message.startsWith(`${WHERE}: `),
};
