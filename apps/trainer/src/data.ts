/**
 * From a config's `data` section to labelled samples: makes (or reuses) the synthetic data
 * set, or reads DISFA, BP4D or a manifest, and checks that the requested AUs exist.
 */
import { join, resolve } from 'node:path';
import {
  cacheAlignedCrops,
  formatSkipped,
  readBp4d,
  readDisfa,
  readManifest,
  synthesizeDataset,
  type AlignedCropCache,
  type Bp4dOptions,
  type CacheOptions,
  type DisfaOptions,
  type DisfaSubjectSummary,
  type ManifestOptions,
  type Sample,
  type SkippedRecord,
} from '@g2rl/datasets';
import type { LandmarkScheme } from '@g2rl/heatmaps';
import type { TrainConfig } from './config.js';
import { UserError } from './errors.js';
import type { Reporter } from './progress.js';

export interface LoadedData {
  samples: Sample[];
  /** AU numbers in model channel order. */
  aus: number[];
  scheme: LandmarkScheme;
  skipped: SkippedRecord[];
  /** What was read, for the model card. */
  description: string;
  /** DISFA only: per subject, the frames, landmark numbering and gaps found. */
  disfaSubjects?: DisfaSubjectSummary[];
}

/** Makes the synthetic data set if needed; returns its manifest path. */
export async function ensureSyntheticData(config: TrainConfig, reporter?: Reporter): Promise<string> {
  const outDir = resolve(config.data.path);
  let last = 0;
  const made = await synthesizeDataset({
    outDir,
    identities: config.data.identities,
    framesPerIdentity: config.data.framesPerIdentity,
    seed: syntheticSeed(config),
    onProgress: (done, total) => {
      if (reporter && (done - last >= 250 || done === total)) {
        last = done;
        reporter.step({ phase: 'synth', epoch: 1, epochs: 1, step: done, steps: total, values: {}, imagesPerSecond: 0 });
      }
    },
  });
  reporter?.info(made.reused ? `synthetic data: reusing ${made.entries.length} images in ${outDir}` : `synthetic data: made ${made.entries.length} images in ${outDir}`);
  if (made.repaired.length > 0) {
    const n = made.repaired.length;
    reporter?.info(`synthetic data: ${n} damaged image${n > 1 ? 's' : ''} (missing or failing SHA256SUMS) rendered again (first: ${join(outDir, made.repaired[0]!)})`, { syntheticRepaired: made.repaired });
  }
  return made.manifestPath;
}

/**
 * `cacheAlignedCrops` for the trainer's commands: a damaged cache file (truncated, failing its
 * checksum) is rebuilt by the cache, and said here, on screen and in the log, so a user knows
 * the disk or a copy went wrong: "crop cache: N damaged entries rebuilt (first: <file>: <reason>)".
 */
export async function alignedCrops(samples: readonly Sample[], options: Omit<CacheOptions, 'onDamaged'>, reporter?: Reporter): Promise<AlignedCropCache> {
  const damaged: { file: string; reason: string }[] = [];
  const cache = await cacheAlignedCrops(samples, { ...options, onDamaged: (file, reason) => damaged.push({ file, reason }) });
  if (damaged.length > 0) {
    const n = damaged.length;
    reporter?.info(`crop cache: ${n} damaged entr${n > 1 ? 'ies' : 'y'} rebuilt (first: ${damaged[0]!.file}: ${damaged[0]!.reason})`, { cropCacheDamaged: damaged });
  }
  return cache;
}

export async function loadData(config: TrainConfig, reporter?: Reporter): Promise<LoadedData> {
  const { kind, skipBad } = config.data;
  const path = resolve(config.data.path);
  let samples: Sample[] & { skipped: SkippedRecord[] };
  let description: string;
  let disfaSubjects: DisfaSubjectSummary[] | undefined;
  const requested = config.data.aus ?? undefined;
  switch (kind) {
    case 'synthetic': {
      const manifest = await ensureSyntheticData(config, reporter);
      samples = await readManifest(manifest, { skipBad });
      description = `g2rl synthetic faces (${config.data.identities} identities × ${config.data.framesPerIdentity} frames, seed ${syntheticSeed(config)})`;
      break;
    }
    case 'manifest':
      samples = await readManifest(path, manifestOptions(config));
      description = `manifest ${path}`;
      break;
    case 'disfa': {
      const disfa = await readDisfa(path, disfaOptions(config));
      reportDisfaSubjects(disfa.subjects, reporter);
      disfaSubjects = disfa.subjects;
      samples = disfa;
      description = `DISFA at ${path} (${config.data.disfa.camera} camera)`;
      break;
    }
    case 'bp4d':
      samples = await readBp4d(path, bp4dOptions(config));
      description = `BP4D (FERA 2015) at ${path}`;
      break;
  }
  if (samples.length === 0) throw new UserError(`data: no samples found in ${path} (data.kind ${kind})`);
  const available = samples[0].aus;
  const aus = requested ?? [...available];
  const missing = aus.filter((au) => !available.includes(au));
  if (missing.length) {
    throw new UserError(`data.aus: the data at ${path} has no labels for AU ${missing.join(', AU ')}; it has AU ${available.join(', AU ')}`);
  }
  const scheme = samples[0].scheme;
  if (samples.some((s) => s.scheme !== scheme)) throw new UserError(`data: ${path} mixes landmark schemes; use one scheme per data set`);
  const selected = aus.every((au, i) => available[i] === au) && aus.length === available.length ? samples : samples.map((s) => selectAus(s, aus));
  if (samples.skipped.length) reporter?.info(`data: ${formatSkipped(samples.skipped)} (see log)`, { skipped: countReasons(samples.skipped) });
  return { samples: selected, aus, scheme, skipped: samples.skipped, description, ...(disfaSubjects ? { disfaSubjects } : {}) };
}

function selectAus(sample: Sample, aus: number[]): Sample {
  const intensities = new Float32Array(aus.length);
  aus.forEach((au, i) => (intensities[i] = sample.intensities[sample.aus.indexOf(au)]));
  return { ...sample, aus, intensities };
}

function countReasons(skipped: SkippedRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of skipped) counts[s.reason] = (counts[s.reason] ?? 0) + 1;
  return counts;
}

/** The folder where aligned-crop caches live, shared by runs. */
export function cropCacheDir(config: TrainConfig): string {
  return resolve(join(config.cacheDir, 'crops'));
}

/** The seed the synthetic data set is made with: `data.syntheticSeed`, else the run's seed. */
export function syntheticSeed(config: TrainConfig): number {
  return config.data.syntheticSeed ?? config.seed;
}

const pathOrUndefined = (path: string | null) => (path === null ? undefined : resolve(path));

/** `readBp4d` options from the config's data section (the options DISFA shares). */
export function bp4dOptions(config: TrainConfig): Bp4dOptions {
  const { data } = config;
  return {
    skipBad: data.skipBad,
    aus: data.aus ?? undefined,
    subjects: data.subjects ?? undefined,
    imagesDir: pathOrUndefined(data.imagesDir),
    landmarksDir: pathOrUndefined(data.landmarksDir),
  };
}

/** `readDisfa` options from the config's data section (every reader option has a field). */
export function disfaOptions(config: TrainConfig): DisfaOptions {
  const { disfa } = config.data;
  return { ...bp4dOptions(config), camera: disfa.camera, landmarkNumbering: disfa.landmarkNumbering, videosDir: pathOrUndefined(disfa.videosDir) };
}

/** `readManifest` options from the config's data section. */
export function manifestOptions(config: TrainConfig): ManifestOptions {
  const { data } = config;
  return { skipBad: data.skipBad, checkImages: data.manifest.checkImages, scheme: data.manifest.scheme ?? undefined };
}

/** One line per DISFA subject: frames, landmark files, the numbering found and why, gaps. */
export function describeDisfaSubject(s: DisfaSubjectSummary): string {
  const gaps = s.gaps.length ? `, ${s.gaps.length} landmark gap${s.gaps.length > 1 ? 's' : ''} (frame ${s.gaps.slice(0, 5).join(', ')}${s.gaps.length > 5 ? ', …' : ''}) left out` : ', no gaps';
  return `${s.subject}: ${s.labelledFrames} labelled frames, video ${s.videoFrames} frames, ${s.landmarkFiles} landmark files (${s.naming}, ${s.numbering}: ${s.numberingReason})${gaps}; ${s.samples} samples`;
}

function reportDisfaSubjects(subjects: DisfaSubjectSummary[], reporter?: Reporter): void {
  for (const s of subjects) reporter?.info(`DISFA ${describeDisfaSubject(s)}`, { disfaSubject: s });
}
