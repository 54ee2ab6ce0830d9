import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@g2rl/common/fs';
import { ALIGNMENT_TEMPLATE, alignFace, decodeImage, type AlignmentPoints } from '@g2rl/face';
import type { LandmarkScheme } from '@g2rl/heatmaps';
import type { Sample } from '../sample.js';

/**
 * Every sample decoded and aligned once: `crops` count×S×S×3 uint8 and `landmarks`
 * count×N×2 float32 (crop pixels), both on SharedArrayBuffers so worker threads read
 * them without copies. `ids[i]` names row i.
 */
export interface AlignedCropCache {
  format: typeof CACHE_FORMAT;
  /** Hash of everything the crops depend on; also the files' name. */
  key: string;
  size: number;
  scheme: LandmarkScheme;
  points: AlignmentPoints;
  count: number;
  landmarkCount: number;
  ids: string[];
  crops: Uint8Array;
  landmarks: Float32Array;
  /** The binary file (crops, then landmarks little-endian). */
  path: string;
}

export interface CacheOptions {
  /** S (default 128). */
  size?: number;
  /** Folder for `aligned-<key>.bin` and `.json` (created if missing). */
  cacheDir: string;
  /** Alignment points (default 'rigid', as alignFace; see @g2rl/face). */
  points?: AlignmentPoints;
  /** Images decoded at once (default 4; sharp decodes on libuv's thread pool). */
  concurrency?: number;
  /** Called after every `progressEvery` crops with (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Called when a cache file is found damaged (truncated, or failing its checksum) and is rebuilt. */
  onDamaged?: (file: string, reason: string) => void;
}

// /2: the index holds the binary file's sha256, checked on every load.
const CACHE_FORMAT = 'g2rl-aligned-crops/2';

/**
 * Decodes and aligns every sample once and stores the crops on disk, keyed by a hash of the
 * inputs (sample ids, image paths with their size and mtime, landmarks, S, scheme, alignment
 * points and template): a later run with the same inputs loads the file instead of decoding
 * again; any change makes a new key. A cache made for a superset of the samples (same S,
 * scheme, points; every requested sample unchanged) is reused as it is: `prepare` can cache
 * a whole data set and each fold's train and test split load that one file (the loader finds
 * rows by sample id). Writes are atomic (temp file + rename). Every load checks the binary
 * file's size and sha256 against the index: a truncated or corrupted file is rebuilt (and
 * reported to `onDamaged`), never handed to training.
 * All samples must share one landmark scheme (the scheme sets N).
 */
export async function cacheAlignedCrops(samples: readonly Sample[], options: CacheOptions): Promise<AlignedCropCache> {
  const size = options.size ?? 128;
  const points = options.points ?? 'rigid';
  if (samples.length === 0) throw new Error('cacheAlignedCrops: no samples');
  const scheme = samples[0].scheme;
  const landmarkCount = samples[0].landmarks.length / 2;
  const odd = samples.find((s) => s.scheme !== scheme);
  if (odd) throw new Error(`cacheAlignedCrops: sample ${odd.id} has scheme ${odd.scheme} but ${samples[0].id} has ${scheme}; cache one scheme at a time`);
  const fingerprints = await sampleFingerprints(samples);
  const settings = { format: CACHE_FORMAT, template: ALIGNMENT_TEMPLATE, size, scheme, points };
  const key = createHash('sha256').update(JSON.stringify(settings)).update(fingerprints.join('\n')).digest('hex');
  await mkdir(options.cacheDir, { recursive: true });
  const base = join(options.cacheDir, `aligned-${key.slice(0, 24)}`);
  const damaged = options.onDamaged ?? (() => undefined);
  const existing = (await loadCache(base, key, damaged)) ?? (await loadSupersetCache(options.cacheDir, settings, samples, fingerprints, damaged, key));
  if (existing) return existing;

  const cropBytes = size * size * 3;
  const crops = new Uint8Array(new SharedArrayBuffer(samples.length * cropBytes));
  const landmarks = new Float32Array(new SharedArrayBuffer(samples.length * landmarkCount * 2 * 4));
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < samples.length; i = next++) {
      const sample = samples[i];
      let aligned;
      try {
        aligned = alignFace(await decodeImage(sample.image), sample.landmarks, { size, scheme, points });
      } catch (error) {
        throw new Error(`cacheAlignedCrops: sample ${sample.id} (${sample.image}): ${(error as Error).message}`, { cause: error });
      }
      crops.set(aligned.image.data, i * cropBytes);
      landmarks.set(aligned.landmarks, i * landmarkCount * 2);
      done++;
      if (options.onProgress && (done % 256 === 0 || done === samples.length)) options.onProgress(done, samples.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));

  // float32 landmarks start on a 4-byte boundary, whatever S and the count are
  const landmarkOffset = Math.ceil(crops.length / 4) * 4;
  const padding = new Uint8Array(landmarkOffset - crops.length);
  const landmarkBytes = new Uint8Array(landmarks.buffer, landmarks.byteOffset, landmarks.byteLength);
  const sha256 = createHash('sha256').update(crops).update(padding).update(landmarkBytes).digest('hex');
  const index = {
    format: CACHE_FORMAT, key, template: ALIGNMENT_TEMPLATE, size, scheme, points, count: samples.length, landmarkCount,
    ids: samples.map((s) => s.id), fingerprints, cropBytes: crops.length, landmarkOffset, landmarkBytes: landmarks.byteLength, sha256,
  };
  await writeFileAtomic(base + '.bin', [crops, padding, landmarkBytes]);
  // The index goes last: a cache with an index is complete.
  await writeFileAtomic(base + '.json', JSON.stringify(index));
  return { format: CACHE_FORMAT, key, size, scheme, points, count: samples.length, landmarkCount, ids: index.ids, crops, landmarks, path: base + '.bin' };
}

async function readIndex(file: string): Promise<CacheIndex | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as CacheIndex;
  } catch {
    return undefined;
  }
}

interface CacheIndex {
  format: string; key: string; template: string; size: number; scheme: LandmarkScheme; points: AlignmentPoints;
  count: number; landmarkCount: number; ids: string[]; fingerprints: string[];
  cropBytes: number; landmarkOffset: number; landmarkBytes: number;
  /** Of the whole binary file. */
  sha256: string;
}

/** A complete cache in `cacheDir` with the same settings that holds every requested sample unchanged. */
async function loadSupersetCache(
  cacheDir: string, settings: { template: string; size: number; scheme: LandmarkScheme; points: AlignmentPoints },
  samples: readonly Sample[], fingerprints: string[], damaged: (file: string, reason: string) => void, tried: string,
): Promise<AlignedCropCache | undefined> {
  const names = (await readdir(cacheDir)).filter((n) => /^aligned-[0-9a-f]+\.json$/.test(n)).sort();
  for (const name of names) {
    const index = await readIndex(join(cacheDir, name));
    if (!index || index.format !== CACHE_FORMAT || index.key === tried || index.count < samples.length || !Array.isArray(index.fingerprints)) continue;
    if (index.template !== settings.template || index.size !== settings.size || index.scheme !== settings.scheme || index.points !== settings.points) continue;
    const have = new Map(index.ids.map((id, row) => [id, index.fingerprints[row]]));
    if (!samples.every((s, i) => have.get(s.id) === fingerprints[i])) continue;
    const loaded = await loadCache(join(cacheDir, name.replace(/\.json$/, '')), index.key, damaged);
    if (loaded) return loaded;
  }
  return undefined;
}

async function loadCache(base: string, key: string, damaged: (file: string, reason: string) => void): Promise<AlignedCropCache | undefined> {
  const index = await readIndex(base + '.json');
  if (!index || index.format !== CACHE_FORMAT || index.key !== key) return undefined;
  const file = base + '.bin';
  const total = index.landmarkOffset + index.landmarkBytes;
  const info = await stat(file).catch(() => undefined);
  if (!info) {
    damaged(file, 'missing');
    return undefined;
  }
  if (info.size !== total) {
    damaged(file, `${info.size} bytes, the index says ${total} (truncated or damaged)`);
    return undefined;
  }
  const shared = new SharedArrayBuffer(total);
  const bytes = new Uint8Array(shared);
  const handle = await open(file, 'r');
  try {
    for (let at = 0; at < total; ) {
      const { bytesRead } = await handle.read(bytes, at, Math.min(1 << 26, total - at), at);
      if (bytesRead === 0) {
        damaged(file, `ends at byte ${at} of ${total}`);
        return undefined;
      }
      at += bytesRead;
    }
  } finally {
    await handle.close();
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== index.sha256) {
    damaged(file, `sha256 ${sha256.slice(0, 12)}… differs from the index's ${String(index.sha256).slice(0, 12)}… (corrupted)`);
    return undefined;
  }
  return {
    format: CACHE_FORMAT, key, size: index.size, scheme: index.scheme, points: index.points, count: index.count,
    landmarkCount: index.landmarkCount, ids: index.ids,
    crops: new Uint8Array(shared, 0, index.cropBytes),
    landmarks: new Float32Array(shared, index.landmarkOffset, index.landmarkBytes / 4),
    path: base + '.bin',
  };
}

/**
 * One short hash per sample of everything its crop depends on besides the settings: id,
 * image path, the file's size and mtime, and the landmarks.
 */
async function sampleFingerprints(samples: readonly Sample[]): Promise<string[]> {
  const stats = await Promise.all(samples.map((s) => stat(s.image).then((st) => `${st.size}:${st.mtimeMs}`, () => 'missing')));
  return samples.map((s, i) =>
    createHash('sha256')
      .update(`${s.id}\t${s.image}\t${stats[i]}\t`)
      .update(new Uint8Array(s.landmarks.buffer, s.landmarks.byteOffset, s.landmarks.byteLength))
      .digest('hex')
      .slice(0, 32),
  );
}
