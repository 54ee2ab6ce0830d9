/**
 * Write the synthetic data set to disk once — images in one folder per subject, a
 * `manifest.jsonl`, a `dataset.json` — and reuse it when asked again with the same options.
 *
 * Everything random is drawn from one seed, per subject from its own forked stream, so the
 * manifest (and `dataset.json`) are byte-identical for a seed whatever the concurrency.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '@g2rl/common/fs';
import { SYNTHETIC_AUS } from './action-units.js';
import { type FaceParams, sampleFaceParams, sampleScene } from './face-params.js';
import { sampleIdentity } from './identity.js';
import { sampleIntensitySequence } from './intensity-sequence.js';
import { type ImageFormat, faceLandmarks, renderFace } from './render-face.js';
import { syntheticRng } from './rng.js';

/** Bumped whenever the rendering or the sampling changes: an older data set is then re-made. */
export const SYNTHETIC_GENERATOR_VERSION = '1.0.0';
export const SYNTHETIC_MANIFEST = 'manifest.jsonl';
export const SYNTHETIC_INFO = 'dataset.json';
/** `sha256sum`-format list of every image ("<hex>  S001/F0000.png"), checked on reuse. */
export const SYNTHETIC_CHECKSUMS = 'SHA256SUMS';

export interface SynthesizeDatasetOptions {
  /** Folder to write into (created if missing). */
  outDir: string;
  /** Number of subjects (identities); default 20. */
  identities?: number;
  /** Frames per subject (one sequence each); default 50, or count / identities if `count` is given. */
  framesPerIdentity?: number;
  /** Total number of images (optional): the last subjects get fewer frames. */
  count?: number;
  /** Seed of everything random; default 1. */
  seed?: number;
  /** Image side S in px; default 160. */
  size?: number;
  /** Image format; default 'png'. */
  format?: ImageFormat;
  /** Renders in flight at once; default 2 × available cores. Does not change the output. */
  concurrency?: number;
  /** Re-render even if a matching data set is already there; default false. */
  force?: boolean;
  /** Called after each image is written. */
  onProgress?: (done: number, total: number) => void;
}

/** One line of `manifest.jsonl`. */
export interface SyntheticManifestEntry {
  id: string;
  subject: string;
  frame: number;
  /** Image path relative to the data set folder (forward slashes). */
  image: string;
  /** N×2 = 136 numbers, image pixels (pixel centres at integers), 3 decimals. */
  landmarks: number[];
  scheme: 'ibug68';
  aus: number[];
  /** Integer FACS-style labels 0–5, one per AU in `aus`. */
  intensities: number[];
}

/** Contents of `dataset.json`. */
export interface SyntheticDatasetInfo {
  format: 'g2rl-synthetic/1';
  generatorVersion: string;
  seed: number;
  options: { identities: number; framesPerIdentity: number; count: number; size: number; format: ImageFormat };
  scheme: 'ibug68';
  aus: number[];
  labels: string;
  counts: { images: number; subjects: number; neutralFrames: number; nonZeroPerAu: Record<string, number>; labelHistogram: number[] };
}

export interface SynthesizedDataset {
  outDir: string;
  manifestPath: string;
  info: SyntheticDatasetInfo;
  entries: SyntheticManifestEntry[];
  /** True if an existing data set matched the options (and at most `repaired` was rendered again). */
  reused: boolean;
  /** Images of a reused data set that were missing or failed their checksum, rendered again. */
  repaired: string[];
}

type Resolved = SyntheticDatasetInfo['options'] & { seed: number; concurrency: number };

function resolveOptions(o: SynthesizeDatasetOptions): Resolved {
  const fail = (field: string, value: unknown, want: string): never => {
    throw new Error(`synthesizeDataset: options.${field} must be ${want}, got ${JSON.stringify(value)}`);
  };
  if (typeof o?.outDir !== 'string' || o.outDir.length === 0) fail('outDir', o?.outDir, 'a non-empty folder path');
  const isInt = (v: unknown, lo: number, hi: number): boolean => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
  const identities = o.identities ?? 20;
  if (!isInt(identities, 1, 100_000)) fail('identities', identities, 'an integer in [1, 100000]');
  if (o.count !== undefined && !isInt(o.count, 1, 10_000_000)) fail('count', o.count, 'an integer in [1, 10000000]');
  const framesPerIdentity = o.framesPerIdentity ?? (o.count !== undefined ? Math.ceil(o.count / identities) : 50);
  if (!isInt(framesPerIdentity, 1, 1_000_000)) fail('framesPerIdentity', framesPerIdentity, 'an integer in [1, 1000000]');
  const count = o.count ?? identities * framesPerIdentity;
  if (count > identities * framesPerIdentity) fail('count', count, `at most identities × framesPerIdentity = ${identities * framesPerIdentity}`);
  const seed = o.seed ?? 1;
  if (!isInt(seed, 0, 2 ** 32 - 1)) fail('seed', seed, 'an integer in [0, 2^32 − 1]');
  const size = o.size ?? 160;
  if (!isInt(size, 48, 1024)) fail('size', size, 'an integer number of pixels in [48, 1024]');
  const format = o.format ?? 'png';
  if (format !== 'png' && format !== 'jpeg') fail('format', format, "'png' or 'jpeg'");
  const concurrency = o.concurrency ?? 2 * availableParallelism();
  if (!isInt(concurrency, 1, 256)) fail('concurrency', concurrency, 'an integer in [1, 256]');
  return { identities, framesPerIdentity, count, seed, size, format, concurrency };
}

/** Subject name with at least 3 digits, S001 … */
const subjectName = (s: number, identities: number): string => `S${String(s + 1).padStart(Math.max(3, String(identities).length), '0')}`;

interface PlannedImage {
  entry: SyntheticManifestEntry;
  params: FaceParams;
}

/** All images in order: subject by subject, frame by frame (lazy, so memory stays bounded). */
function* planImages(r: Resolved): Generator<PlannedImage> {
  const root = syntheticRng(r.seed);
  const digits = Math.max(4, String(r.framesPerIdentity - 1).length);
  let produced = 0;
  for (let s = 0; s < r.identities && produced < r.count; s++) {
    // Each subject draws from its own stream: subject s is the same whatever comes after it.
    const rng = syntheticRng(root.fork());
    const identity = sampleIdentity(rng);
    const scene = sampleScene(rng);
    const sequence = sampleIntensitySequence(rng, r.framesPerIdentity);
    const subject = subjectName(s, r.identities);
    const A = SYNTHETIC_AUS.length;
    for (let f = 0; f < r.framesPerIdentity && produced < r.count; f++, produced++) {
      const params = sampleFaceParams(rng, { size: r.size, identity, scene, intensities: sequence.continuous.subarray(f * A, f * A + A) });
      const frameName = `F${String(f).padStart(digits, '0')}`;
      const landmarks = Array.from(faceLandmarks(params), (v) => Math.round(v * 1000) / 1000);
      yield {
        params,
        entry: {
          id: `${subject}_${frameName}`,
          subject,
          frame: f,
          image: `${subject}/${frameName}.${r.format === 'png' ? 'png' : 'jpg'}`,
          landmarks,
          scheme: 'ibug68',
          aus: [...SYNTHETIC_AUS],
          intensities: Array.from(sequence.labels.subarray(f * A, f * A + A)),
        },
      };
    }
  }
}

function summarize(r: Resolved, entries: SyntheticManifestEntry[]): SyntheticDatasetInfo {
  const nonZeroPerAu: Record<string, number> = Object.fromEntries(SYNTHETIC_AUS.map((au) => [`AU${au}`, 0]));
  const labelHistogram = [0, 0, 0, 0, 0, 0];
  let neutralFrames = 0;
  for (const e of entries) {
    if (e.intensities.every((v) => v === 0)) neutralFrames++;
    e.intensities.forEach((v, a) => {
      labelHistogram[v]++;
      if (v > 0) nonZeroPerAu[`AU${SYNTHETIC_AUS[a]}`]++;
    });
  }
  return {
    format: 'g2rl-synthetic/1',
    generatorVersion: SYNTHETIC_GENERATOR_VERSION,
    seed: r.seed,
    options: { identities: r.identities, framesPerIdentity: r.framesPerIdentity, count: r.count, size: r.size, format: r.format },
    scheme: 'ibug68',
    aus: [...SYNTHETIC_AUS],
    labels: 'integer 0–5 per AU: the rendered continuous intensity rounded half up',
    counts: { images: entries.length, subjects: new Set(entries.map((e) => e.subject)).size, neutralFrames, nonZeroPerAu, labelHistogram },
  };
}

/** Parse a synthetic `manifest.jsonl` (one JSON object per line). */
export async function readSyntheticManifest(path: string): Promise<SyntheticManifestEntry[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line, k) => {
      try {
        return JSON.parse(line) as SyntheticManifestEntry;
      } catch (error) {
        throw new Error(`${path}:${k + 1}: not valid JSON (${(error as Error).message})`);
      }
    });
}

async function tryReuse(r: Resolved, outDir: string): Promise<SynthesizedDataset | undefined> {
  let info: SyntheticDatasetInfo;
  try {
    info = JSON.parse(await readFile(join(outDir, SYNTHETIC_INFO), 'utf8')) as SyntheticDatasetInfo;
  } catch {
    return undefined;
  }
  const wanted = { identities: r.identities, framesPerIdentity: r.framesPerIdentity, count: r.count, size: r.size, format: r.format };
  if (info.generatorVersion !== SYNTHETIC_GENERATOR_VERSION || info.seed !== r.seed || JSON.stringify(info.options) !== JSON.stringify(wanted)) return undefined;
  const manifestPath = join(outDir, SYNTHETIC_MANIFEST);
  let entries: SyntheticManifestEntry[];
  try {
    entries = await readSyntheticManifest(manifestPath);
  } catch {
    return undefined;
  }
  if (entries.length !== info.counts.images) return undefined;
  const sums = await readChecksums(outDir);
  if (!sums || !entries.every((e) => sums.has(e.image))) return undefined;
  // Every image against its checksum: a truncated or altered file is rendered again, never trained on.
  const damaged = new Set<string>();
  await forEachLimited(entries, r.concurrency, async (e) => {
    const bytes = await readFile(join(outDir, e.image)).catch(() => undefined);
    if (!bytes || sha256(bytes) !== sums.get(e.image)) damaged.add(e.image);
  });
  if (damaged.size > 0) {
    await forEachLimited([...planImages(r)].filter((p) => damaged.has(p.entry.image)), r.concurrency, async ({ entry, params }) => {
      const { png } = await renderFace(params, r.format);
      await mkdir(join(outDir, entry.subject), { recursive: true });
      await writeFileAtomic(join(outDir, entry.image), png, { durable: false }); // checked against SHA256SUMS on reuse
      sums.set(entry.image, sha256(png));
    });
    await writeChecksums(outDir, sums);
  }
  return { outDir, manifestPath, info, entries, reused: true, repaired: [...damaged].sort() };
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** image path → sha256 from SHA256SUMS, or undefined when the file is missing or malformed. */
async function readChecksums(outDir: string): Promise<Map<string, string> | undefined> {
  let text: string;
  try {
    text = await readFile(join(outDir, SYNTHETIC_CHECKSUMS), 'utf8');
  } catch {
    return undefined;
  }
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const match = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (!match) return undefined;
    sums.set(match[2], match[1]);
  }
  return sums;
}

async function writeChecksums(outDir: string, sums: Map<string, string>): Promise<void> {
  const lines = [...sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([image, hex]) => `${hex}  ${image}\n`);
  await writeFileAtomic(join(outDir, SYNTHETIC_CHECKSUMS), lines.join(''));
}

/** Runs `work` on every item, at most `limit` at once. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (let i = next++; i < items.length; i = next++) await work(items[i]);
  }));
}

/**
 * Render the data set (or reuse it). Images: `<outDir>/<subject>/<frame>.png|jpg`, S×S RGB.
 * @returns the manifest entries (in subject, frame order) and the `dataset.json` contents.
 */
export async function synthesizeDataset(options: SynthesizeDatasetOptions): Promise<SynthesizedDataset> {
  const r = resolveOptions(options);
  const outDir = options.outDir;
  if (!options.force) {
    const reused = await tryReuse(r, outDir);
    if (reused) return reused;
  }
  await mkdir(outDir, { recursive: true });
  // The old marker goes first: an interrupted run must never look complete.
  await rm(join(outDir, SYNTHETIC_INFO), { force: true });
  await rm(join(outDir, SYNTHETIC_MANIFEST), { force: true });
  await rm(join(outDir, SYNTHETIC_CHECKSUMS), { force: true });
  await removeStaleSubjects(outDir, r);

  const entries: SyntheticManifestEntry[] = [];
  const sums = new Map<string, string>();
  const madeDirs = new Set<string>();
  const plan = planImages(r);
  let done = 0;
  let failed = false; // one failed render stops the other workers at their next image
  const worker = async (): Promise<void> => {
    for (let next = plan.next(); !next.done && !failed; next = plan.next()) {
      const { entry, params } = next.value;
      entries.push(entry);
      if (!madeDirs.has(entry.subject)) {
        madeDirs.add(entry.subject);
        await mkdir(join(outDir, entry.subject), { recursive: true });
      }
      try {
        const { png } = await renderFace(params, r.format);
        await writeFileAtomic(join(outDir, entry.image), png, { durable: false }); // checked against SHA256SUMS on reuse
        sums.set(entry.image, sha256(png));
      } catch (error) {
        failed = true;
        throw new Error(`synthesizeDataset: could not render or write ${join(outDir, entry.image)}: ${(error as Error).message}`);
      }
      options.onProgress?.(++done, r.count);
    }
  };
  await Promise.all(Array.from({ length: r.concurrency }, worker));
  entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const manifestPath = join(outDir, SYNTHETIC_MANIFEST);
  await writeChecksums(outDir, sums);
  await writeFileAtomic(manifestPath, entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const info = summarize(r, entries);
  await writeFileAtomic(join(outDir, SYNTHETIC_INFO), JSON.stringify(info, null, 2) + '\n');
  return { outDir, manifestPath, info, entries, reused: false, repaired: [] };
}

/** Remove subject folders (S001…) of an earlier, larger data set in the same folder. */
async function removeStaleSubjects(outDir: string, r: Resolved): Promise<void> {
  const keep = new Set(Array.from({ length: r.identities }, (_, s) => subjectName(s, r.identities)));
  for (const name of await readdir(outDir)) {
    if (/^S\d{3,}$/.test(name) && !keep.has(name) && (await stat(join(outDir, name))).isDirectory()) {
      await rm(join(outDir, name), { recursive: true, force: true });
    }
  }
}
