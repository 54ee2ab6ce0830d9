import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  BACKBONE_PRESETS,
  DEFAULT_BACKBONE_PRESET,
  DEFAULT_GEOMETRY_DIM,
  DEFAULT_GEOMETRY_LEARNING_RATE,
  DEFAULT_LAMBDA,
  DEFAULT_LEARNING_RATE,
  DEFAULT_SCHEDULE,
  type BackbonePreset,
  type GeometryMode,
} from '@g2rl/models';
import { DISFA_CAMERAS, DISFA_LANDMARK_NUMBERINGS, type DisfaCamera, type DisfaLandmarkNumbering } from '@g2rl/datasets';
import { LANDMARK_SCHEMES, type LandmarkScheme } from '@g2rl/heatmaps';
import { UserError } from './errors.js';

/** Where the training images come from. */
export type DataKind = 'synthetic' | 'manifest' | 'disfa' | 'bp4d';

/** Everything a run needs; written resolved to `<run>/config.json`. */
export interface TrainConfig {
  /** Run name: the run folder is `<runsDir>/<name>`. */
  name: string;
  runsDir: string;
  /** Where reusable data lives: aligned-crop caches (and, by default, the synthetic data set). */
  cacheDir: string;
  /** One seed for every random choice of the run (init, shuffling, augmentation, split). */
  seed: number;
  /** 'auto' picks the fastest available (see @g2rl/backend). */
  backend: 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'native' | 'wasm' | 'cpu';
  /**
   * Data-parallel replicas, one thread each (docs/method.md §4): 'auto' = the cores on a
   * single-threaded backend (wasm, cpu; at most one per 8 images of the batch), 1 on native
   * and tfjs-node, which thread their own kernels. Results depend on the count (batch norm
   * sees each replica's shard), so a checkpoint records it and a resumed run keeps it.
   */
  workers: 'auto' | number;
  data: {
    kind: DataKind;
    /** Data set root (disfa, bp4d), manifest file (manifest) or synthetic output folder. */
    path: string;
    /** Synthetic data set size (kind 'synthetic'). */
    identities: number;
    framesPerIdentity: number;
    /** AUs to estimate, FACS numbers; default: the data set's own list. */
    aus: number[] | null;
    /** Held-out subjects for `train`/`eval` (synthetic, manifest): a fraction of the subjects, chosen by seed. */
    testFraction: number;
    /** Which fold `train`/`eval` hold out: DISFA's 3 folds, or fold of the seeded subject k-fold (0-based). */
    fold: number;
    /** Skip malformed samples (counted and reported) instead of stopping. */
    skipBad: boolean;
    /** Cap on training samples (0 = all); for quick experiments. */
    maxTrainSamples: number;
    /** Train on at most this many of the split's training subjects, chosen by seed (0 = all); the data-efficiency runs. */
    maxTrainSubjects: number;
    /**
     * Subjects of each fold's training side kept out of training for tuning, chosen by seed
     * (0 = none): choices are made on them, and the test subjects are scored once at the end.
     */
    validationSubjects: number;
    /** Which held-out subjects `train`/`eval` score: 'test' (the fold's) or 'validation' (needs validationSubjects > 0). */
    heldOut: 'test' | 'validation';
    /** Seed of the synthetic data set; null = the run's `seed` (ablation --seeds keeps one data set). */
    syntheticSeed: number | null;
    /** Only these subjects (disfa: 'SN001', …; bp4d: 'F001', …); null = every subject found. */
    subjects: string[] | null;
    /** Folder of extracted frames (disfa, bp4d); null = the data set's default (`<path>/Images`). */
    imagesDir: string | null;
    /** Folder of landmark files (disfa: `Landmark_Points`, bp4d: `Landmarks`); null = the default. */
    landmarksDir: string | null;
    /** DISFA as distributed (`readDisfa` options). */
    disfa: {
      /** Whose video the frames come from; the right camera's frames go to `<path>/Images_RightCamera`. */
      camera: DisfaCamera;
      /** How landmark file numbers count frames: 'auto' detects it per subject and checks it. */
      landmarkNumbering: DisfaLandmarkNumbering;
      /** Folder of the camera's videos for `prepare`; null = `<path>/Videos_LeftCamera` (or Right). */
      videosDir: string | null;
    };
    /** Your own manifest (`readManifest` options). */
    manifest: {
      /** Check that every image file exists while reading. */
      checkImages: boolean;
      /** Scheme of CSV rows without a `scheme` column; null = from the number of landmark columns. */
      scheme: LandmarkScheme | null;
    };
  };
  model: {
    /** A backbone preset of @g2rl/models; it fixes S and H (`backboneSizes`). */
    preset: BackbonePreset;
    /** Geometry graph: adjacency reused in all GCN layers or recomputed per layer. */
    adjacency: 'static' | 'dynamic';
    /** Size D of the geometry vector G. */
    geometryDim: number;
    /** Gaussian σ of the target heatmaps in heatmap pixels; null = 2·H/64 (docs/method.md §2). */
    sigma: number | null;
  };
  train: {
    epochs: number;
    batchSize: number;
    learningRate: number;
    /** Epochs (1-based) at whose start the learning rate is multiplied by lrDecayFactor. */
    lrDecayEpochs: number[];
    lrDecayFactor: number;
    /** Weight of L_G in λ·L_G + (1−λ)·L_S; 0 trains the plain heatmap baseline. */
    lambda: number;
    /**
     * First epochs in which L_G is cut off from the backbone: it only fits the projection W to
     * the backbone's features, and the backbone learns from L_S alone (λ does not change).
     * From scratch, the heatmap head starts near zero and sends almost no gradient into the
     * backbone, while L_G's does: Adam then scales the backbone's steps to L_G and the
     * heatmaps barely learn; and a W fitted first makes L_G's first gradients into the
     * backbone meaningful instead of random. Was `lambdaWarmupEpochs` (still read, deprecated).
     */
    projectionWarmupEpochs: number;
    /**
     * 'pretrained-frozen': pretrain the geometry encoder, freeze it (docs/method.md §3); 'joint':
     * train all together. `G2RLTrainer`'s `GeometryMode`; 'frozen' is still read (deprecated).
     */
    geometryMode: GeometryMode;
    /**
     * The L_G target: 'standardized' = (G − μ)/σ per dimension over the training frames, so
     * L_G starts near 1 and λ is comparable across runs and encoders; 'raw' = G as is.
     */
    geometryTarget: 'standardized' | 'raw';
    geometryEpochs: number;
    geometryLearningRate: number;
    /**
     * Largest share of all-neutral frames (every labelled AU 0) in the training list; the
     * rest are left out by seed. Spontaneous data is mostly neutral, and a heatmap network
     * first learns to predict all zeros; 1 keeps every frame.
     */
    maxNeutralFraction: number;
    /**
     * Oversampling of frames that show rare AUs: a frame appears up to this many times per
     * epoch, about (median AU's active count) ÷ (its rarest active AU's count) times; 1 = off.
     * Rare AUs (AU5, AU20 in spontaneous data) otherwise get too few gradient steps to be learnt.
     */
    rareAuRepeat: number;
    /**
     * `L_S` weight of a heatmap channel whose AU is active in the frame, against 1 for an
     * inactive one (the codec's `activeWeight`): most channels are empty, and the plain mean
     * shrinks uncertain peaks towards 0. 1 = the plain mean.
     */
    activeChannelWeight: number;
    augment: {
      flip: boolean;
      rotateDegrees: number;
      scale: number;
      shift: number;
      brightness: number;
      contrast: number;
    };
  };
}

/** Named starting points; a config file and flags override them field by field. */
export const PRESETS: Record<string, DeepPartial<TrainConfig>> = {
  /**
   * The README's demo: many synthetic identities seen about three times each, `small`
   * backbone: 6 min 14 s from a fresh clone on 2 cores with wasm alone (4 Dec; apps/trainer/README.md).
   */
  demo: {
    name: 'demo',
    // 300 identities: 60 test (5-fold), 40 validation (tuning and the intensity calibration;
    // never the test ones), 200 train. Synthetic faces are cheap (~5 ms each) next to training.
    data: { kind: 'synthetic', identities: 300, framesPerIdentity: 30, validationSubjects: 40 },
    model: { preset: 'small', sigma: 2 },
    train: {
      epochs: 3,
      batchSize: 16,
      learningRate: 2e-3,
      lrDecayEpochs: [3],
      lambda: 1e-4,
      projectionWarmupEpochs: 1,
      geometryTarget: 'standardized',
      geometryEpochs: 15,
      maxNeutralFraction: 0.15,
      rareAuRepeat: 3,
      // The synthetic faces already vary in pose, light and noise before alignment; crop
      // jitter slowed learning more than it helped in a budget of ~10,000 training images.
      augment: { flip: true, rotateDegrees: 0, scale: 0, shift: 0, brightness: 0.1, contrast: 0.1 },
    },
  },
  small: { model: { preset: 'small' } },
  /** The authors' setting (docs/method.md §6): ResNet-50-style, 256² input, lr 5e-4 ÷10 at 5 and 10. */
  paper: {
    model: { preset: 'paper' },
    train: { epochs: 15, batchSize: 16, learningRate: 5e-4, lrDecayEpochs: [5, 10] },
  },
};

export const DEFAULT_CONFIG: TrainConfig = {
  name: 'run',
  runsDir: 'runs',
  cacheDir: '.g2rl-cache',
  seed: 1,
  backend: 'auto',
  workers: 'auto',
  data: {
    kind: 'synthetic',
    path: '.g2rl-cache/synthetic',
    identities: 60,
    framesPerIdentity: 40,
    aus: null,
    testFraction: 0.2,
    fold: 0,
    skipBad: false,
    maxTrainSamples: 0,
    maxTrainSubjects: 0,
    validationSubjects: 0,
    heldOut: 'test',
    syntheticSeed: null,
    subjects: null,
    imagesDir: null,
    landmarksDir: null,
    disfa: { camera: 'left', landmarkNumbering: 'auto', videosDir: null },
    manifest: { checkImages: true, scheme: null },
  },
  model: {
    preset: DEFAULT_BACKBONE_PRESET,
    // Not @g2rl/models' DEFAULT_ADJACENCY ('dynamic', 2–7 % lower MAE in its bench): 'static'
    // pretrains ~4× faster on CPU, and every measured run of this app used it (README).
    adjacency: 'static',
    geometryDim: DEFAULT_GEOMETRY_DIM,
    sigma: null,
  },
  train: {
    epochs: 6,
    batchSize: 16,
    learningRate: DEFAULT_LEARNING_RATE,
    lrDecayEpochs: [5],
    lrDecayFactor: DEFAULT_SCHEDULE.lrDecayFactor,
    // The demo preset's λ is 1e-4: L_S there is a mean over mostly-zero pixels (README).
    lambda: DEFAULT_LAMBDA,
    projectionWarmupEpochs: DEFAULT_SCHEDULE.projectionWarmupEpochs,
    geometryMode: 'pretrained-frozen',
    geometryTarget: 'standardized',
    geometryEpochs: 30,
    geometryLearningRate: DEFAULT_GEOMETRY_LEARNING_RATE,
    maxNeutralFraction: 1,
    rareAuRepeat: 1,
    activeChannelWeight: 1,
    augment: { flip: true, rotateDegrees: 8, scale: 0.08, shift: 0.04, brightness: 0.15, contrast: 0.15 },
  },
};

export type DeepPartial<T> = { [P in keyof T]?: T[P] extends (infer U)[] ? U[] : T[P] extends object ? DeepPartial<T[P]> : T[P] };

/** Reads a JSON or YAML config file; errors name the file. */
export function readConfigFile(path: string): DeepPartial<TrainConfig> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UserError(`config file ${path} cannot be read (does it exist?)`);
  }
  try {
    const value = ['.yaml', '.yml'].includes(extname(path).toLowerCase()) ? parseYaml(text) : JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('top level must be an object');
    return value as DeepPartial<TrainConfig>;
  } catch (error) {
    throw new UserError(`config file ${path} is not valid ${extname(path) || 'JSON'}: ${(error as Error).message}`);
  }
}

/** Deep-merges `override` into `base` (arrays and scalars replace, objects merge). */
export function mergeConfig<T>(base: T, override: DeepPartial<T> | undefined): T {
  if (override === undefined) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(override as Record<string, unknown>)) {
    const current = out[key];
    out[key] =
      value !== null && typeof value === 'object' && !Array.isArray(value) && current !== null && typeof current === 'object' && !Array.isArray(current)
        ? mergeConfig(current, value as DeepPartial<typeof current>)
        : value;
  }
  return out as T;
}

/**
 * Old names still read from config files and flags: the field (or value) is renamed and a
 * deprecation message names it and its new name. Both names in one layer is an error.
 */
const DEPRECATED_FIELDS: { section: 'train'; old: string; now: string; why: string }[] = [
  { section: 'train', old: 'lambdaWarmupEpochs', now: 'projectionWarmupEpochs', why: 'it never changed λ: it keeps L_G off the backbone while W is fitted' },
];
const DEPRECATED_VALUES: { field: 'geometryMode'; old: string; now: GeometryMode }[] = [{ field: 'geometryMode', old: 'frozen', now: 'pretrained-frozen' }];

/** Prints a deprecation message (once per message and process) on stderr. */
export function warnDeprecated(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.emitWarning(message, { type: 'DeprecationWarning', code: 'G2RL_CONFIG' });
}
const warned = new Set<string>();

/** A config layer with deprecated field names and values replaced by today's; `warn` gets one message per replacement. */
export function upgradeConfigLayer(layer: DeepPartial<TrainConfig>, source: string, warn: (message: string) => void = warnDeprecated): DeepPartial<TrainConfig> {
  const train = layer.train as Record<string, unknown> | undefined;
  if (train === null || typeof train !== 'object' || Array.isArray(train)) return layer;
  const upgraded: Record<string, unknown> = { ...train };
  for (const { section, old, now, why } of DEPRECATED_FIELDS) {
    if (!(old in upgraded)) continue;
    if (now in upgraded) throw new UserError(`config (${source}): fields ${section}.${old} and ${section}.${now} are the same setting; keep only ${section}.${now}`);
    warn(`config (${source}): field ${section}.${old} is deprecated, use ${section}.${now} (${why})`);
    const entries = Object.entries(upgraded).map(([key, value]) => (key === old ? [now, value] : [key, value]));
    for (const key of Object.keys(upgraded)) delete upgraded[key];
    Object.assign(upgraded, Object.fromEntries(entries));
  }
  for (const { field, old, now } of DEPRECATED_VALUES) {
    if (upgraded[field] !== old) continue;
    warn(`config (${source}): train.${field} ${JSON.stringify(old)} is deprecated, use ${JSON.stringify(now)} (G2RLTrainer's name for it)`);
    upgraded[field] = now;
  }
  return { ...layer, train: upgraded as DeepPartial<TrainConfig['train']> };
}

/** Layers preset ← file ← flags over the defaults, then validates every field. */
export function resolveConfig(layers: { preset?: string; file?: string; overrides?: DeepPartial<TrainConfig>; warn?: (message: string) => void }): TrainConfig {
  const warn = layers.warn ?? warnDeprecated;
  let config = DEFAULT_CONFIG;
  if (layers.preset !== undefined) {
    const preset = PRESETS[layers.preset];
    if (!preset) throw new UserError(`unknown preset "${layers.preset}"; known presets: ${Object.keys(PRESETS).join(', ')}`);
    config = mergeConfig(config, preset);
  }
  if (layers.file !== undefined) config = mergeConfig(config, upgradeConfigLayer(readConfigFile(layers.file), layers.file, warn));
  if (layers.overrides !== undefined) config = mergeConfig(config, upgradeConfigLayer(layers.overrides, 'flags', warn));
  validateConfig(config, layers.file ?? 'flags');
  return config;
}

/** Throws a UserError naming the first bad field (`train.batchSize`) and what would be right. */
export function validateConfig(config: TrainConfig, source: string): void {
  const bad = (field: string, want: string, got: unknown): never => {
    throw new UserError(`config (${source}): field ${field} must be ${want}, got ${JSON.stringify(got)}`);
  };
  const known = (path: string, value: unknown, template: unknown): void => {
    if (template === null || typeof template !== 'object' || Array.isArray(template)) return;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) bad(path || 'config', 'an object', value);
    for (const key of Object.keys(value as object)) {
      if (!(key in (template as object))) {
        throw new UserError(`config (${source}): unknown field ${path ? `${path}.` : ''}${key}; known: ${Object.keys(template as object).join(', ')}`);
      }
      const sub = (template as Record<string, unknown>)[key];
      if (sub !== null && typeof sub === 'object' && !Array.isArray(sub)) known(path ? `${path}.${key}` : key, (value as Record<string, unknown>)[key], sub);
    }
  };
  known('', config, DEFAULT_CONFIG);
  const int = (field: string, v: number, min: number, max = Number.MAX_SAFE_INTEGER) => {
    if (!Number.isInteger(v) || v < min || v > max) bad(field, `an integer in [${min}, ${max}]`, v);
  };
  const num = (field: string, v: number, min: number, max: number) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) bad(field, `a number in [${min}, ${max}]`, v);
  };
  const oneOf = (field: string, v: unknown, options: readonly unknown[]) => {
    if (!options.includes(v)) bad(field, `one of ${options.map((o) => JSON.stringify(o)).join(', ')}`, v);
  };
  if (typeof config.name !== 'string' || !/^[\w.-]+$/.test(config.name)) bad('name', 'letters, digits, "-", "_" or "."', config.name);
  if (typeof config.runsDir !== 'string' || config.runsDir === '') bad('runsDir', 'a folder path', config.runsDir);
  if (typeof config.cacheDir !== 'string' || config.cacheDir === '') bad('cacheDir', 'a folder path', config.cacheDir);
  int('seed', config.seed, 0, 2 ** 32 - 1);
  oneOf('backend', config.backend, ['auto', 'tensorflow-gpu', 'tensorflow', 'native', 'wasm', 'cpu']);
  if (config.workers !== 'auto') int('workers', config.workers, 1, 64);
  oneOf('data.kind', config.data.kind, ['synthetic', 'manifest', 'disfa', 'bp4d']);
  if (typeof config.data.path !== 'string' || config.data.path === '') bad('data.path', 'a path', config.data.path);
  int('data.identities', config.data.identities, 2);
  int('data.framesPerIdentity', config.data.framesPerIdentity, 1);
  if (config.data.aus !== null && (!Array.isArray(config.data.aus) || config.data.aus.length === 0 || !config.data.aus.every((a) => Number.isInteger(a) && a > 0))) {
    bad('data.aus', 'null or a non-empty list of FACS AU numbers', config.data.aus);
  }
  num('data.testFraction', config.data.testFraction, 0.01, 0.9);
  int('data.fold', config.data.fold, 0, 99);
  if (typeof config.data.skipBad !== 'boolean') bad('data.skipBad', 'true or false', config.data.skipBad);
  int('data.maxTrainSamples', config.data.maxTrainSamples, 0);
  int('data.maxTrainSubjects', config.data.maxTrainSubjects, 0);
  int('data.validationSubjects', config.data.validationSubjects, 0);
  oneOf('data.heldOut', config.data.heldOut, ['test', 'validation']);
  if (config.data.heldOut === 'validation' && config.data.validationSubjects === 0) bad('data.validationSubjects', 'above 0 when data.heldOut is "validation"', 0);
  if (config.data.syntheticSeed !== null) int('data.syntheticSeed', config.data.syntheticSeed, 0, 2 ** 32 - 1);
  if (config.data.subjects !== null && (!Array.isArray(config.data.subjects) || config.data.subjects.length === 0 || !config.data.subjects.every((s) => typeof s === 'string' && s !== ''))) {
    bad('data.subjects', 'null or a non-empty list of subject ids (e.g. ["SN001", "SN002"])', config.data.subjects);
  }
  for (const field of ['imagesDir', 'landmarksDir'] as const) {
    if (config.data[field] !== null && (typeof config.data[field] !== 'string' || config.data[field] === '')) bad(`data.${field}`, 'null or a folder path', config.data[field]);
  }
  oneOf('data.disfa.camera', config.data.disfa.camera, DISFA_CAMERAS);
  oneOf('data.disfa.landmarkNumbering', config.data.disfa.landmarkNumbering, DISFA_LANDMARK_NUMBERINGS);
  if (config.data.disfa.videosDir !== null && (typeof config.data.disfa.videosDir !== 'string' || config.data.disfa.videosDir === '')) bad('data.disfa.videosDir', 'null or a folder path', config.data.disfa.videosDir);
  if (typeof config.data.manifest.checkImages !== 'boolean') bad('data.manifest.checkImages', 'true or false', config.data.manifest.checkImages);
  if (config.data.manifest.scheme !== null) oneOf('data.manifest.scheme', config.data.manifest.scheme, Object.keys(LANDMARK_SCHEMES));
  oneOf('model.preset', config.model.preset, Object.keys(BACKBONE_PRESETS));
  oneOf('model.adjacency', config.model.adjacency, ['static', 'dynamic']);
  int('model.geometryDim', config.model.geometryDim, 1, 4096);
  if (config.model.sigma !== null) num('model.sigma', config.model.sigma, 0.25, 16);
  const t = config.train;
  int('train.epochs', t.epochs, 1, 10_000);
  int('train.batchSize', t.batchSize, 1, 1024);
  num('train.learningRate', t.learningRate, 1e-8, 1);
  if (!Array.isArray(t.lrDecayEpochs) || !t.lrDecayEpochs.every((e) => Number.isInteger(e) && e >= 1)) bad('train.lrDecayEpochs', 'a list of epoch numbers ≥ 1', t.lrDecayEpochs);
  num('train.lrDecayFactor', t.lrDecayFactor, 1e-6, 1);
  num('train.lambda', t.lambda, 0, 1);
  if (t.lambda === 1) bad('train.lambda', 'below 1 (λ = 1 leaves the heatmaps untrained)', t.lambda);
  int('train.projectionWarmupEpochs', t.projectionWarmupEpochs, 0, 10_000);
  oneOf('train.geometryMode', t.geometryMode, ['pretrained-frozen', 'joint']);
  oneOf('train.geometryTarget', t.geometryTarget, ['standardized', 'raw']);
  int('train.geometryEpochs', t.geometryEpochs, 0, 100_000);
  num('train.geometryLearningRate', t.geometryLearningRate, 1e-8, 1);
  num('train.maxNeutralFraction', t.maxNeutralFraction, 0, 1);
  int('train.rareAuRepeat', t.rareAuRepeat, 1, 100);
  num('train.activeChannelWeight', t.activeChannelWeight, 0.01, 1000);
  if (typeof t.augment.flip !== 'boolean') bad('train.augment.flip', 'true or false', t.augment.flip);
  num('train.augment.rotateDegrees', t.augment.rotateDegrees, 0, 45);
  num('train.augment.scale', t.augment.scale, 0, 0.5);
  num('train.augment.shift', t.augment.shift, 0, 0.5);
  num('train.augment.brightness', t.augment.brightness, 0, 1);
  num('train.augment.contrast', t.augment.contrast, 0, 1);
}
