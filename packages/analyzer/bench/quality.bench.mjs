// Not-a-face check, measured: the analyzer (minQuality 0, so every detection is seen) on
// real face photos and non-face images from Debian's packages (scikit-image's data,
// matplotlib's sample data), face-api's own demo photos, and fresh synthetic faces. Prints
// every detection's detector score and quality, then, at the default minQuality, the
// fraction of face images that keep a face and of non-face images that keep none.
// Needs: apt-get install python3-skimage python3-matplotlib. Run: node bench/quality.bench.mjs
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { synthesizeDataset } from '@g2rl/datasets';
import { faceApiModelDir } from '@g2rl/face';
import { DEFAULT_MIN_QUALITY, createAnalyzer } from '../dist/node.js';

const SKIMAGE = '/usr/lib/python3/dist-packages/skimage/data';
const HOPPER = '/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg';
if (!existsSync(SKIMAGE) || !existsSync(HOPPER)) throw new Error('install python3-skimage and python3-matplotlib (Debian) first');
const faceApiDemo = join(faceApiModelDir(), '..', 'demo');
const REAL_FACES = ['astronaut.png', 'camera.png'].map((f) => join(SKIMAGE, f)).concat(HOPPER, readdirSync(faceApiDemo).filter((f) => /^sample\d\.jpg$/.test(f)).map((f) => join(faceApiDemo, f)));
const NON_FACES = readdirSync(SKIMAGE).filter((f) => /\.(png|jpg)$/.test(f) && !['astronaut.png', 'camera.png', 'truncated.jpg'].includes(f)).map((f) => join(SKIMAGE, f));
const synthDir = mkdtempSync(join(tmpdir(), 'g2rl-quality-'));
await synthesizeDataset({ outDir: synthDir, identities: 20, framesPerIdentity: 2, seed: 77, size: 256 });
const SYNTHETIC = readdirSync(synthDir, { recursive: true }).filter((f) => /\.(png|jpg)$/.test(String(f))).map((f) => join(synthDir, String(f))).sort();

const analyzer = await createAnalyzer({ minQuality: 0 });
async function measure(label, files) {
  const best = [];
  for (const file of files) {
    const [r] = await analyzer.analyzeBatch([file]);
    const faces = r instanceof Error ? [] : r.faces;
    console.log(`${label.padEnd(10)} ${basename(file).padEnd(28)} ${faces.map((f) => `${f.detectorScore.toFixed(2)}/${f.quality.toFixed(2)}`).join('  ') || '(no detection)'}`);
    best.push(faces.length ? Math.max(...faces.map((f) => f.quality)) : -1);
  }
  return best;
}
const real = await measure('real', REAL_FACES);
const synthetic = await measure('synthetic', SYNTHETIC);
const nonFace = await measure('non-face', NON_FACES);
const kept = (best) => best.filter((q) => q >= DEFAULT_MIN_QUALITY).length;
console.log(`\nminQuality ${DEFAULT_MIN_QUALITY}:`);
console.log(`real face photos keeping a face:      ${kept(real)}/${real.length}`);
console.log(`synthetic faces keeping a face:       ${kept(synthetic)}/${synthetic.length}`);
console.log(`non-face images rejected (no face):   ${nonFace.length - kept(nonFace)}/${nonFace.length} (the detector itself fired on ${nonFace.filter((q) => q >= 0).length}; quality rejected ${nonFace.filter((q) => q >= 0 && q < DEFAULT_MIN_QUALITY).length} of those)`);
analyzer.dispose();
