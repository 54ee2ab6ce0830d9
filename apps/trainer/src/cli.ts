#!/usr/bin/env node
/**
 * g2rl-train: make data, train G2RL, evaluate, cross-validate, compare with the baseline,
 * export and predict. `g2rl-train <command> --help` for each command.
 *
 * Exit codes: 0 done, 2 a user error (one clear line), 130 stopped by a signal after a
 * checkpoint was saved, 1 a bug (with its stack trace).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PRESETS, resolveConfig, type DeepPartial, type TrainConfig } from './config.js';
import { ablationCommand, benchmarkCommand, calibrateCommand, cvCommand, demoCommand, dataEfficiencyCommand, evalCommand, exportCommand, predictCommand, prepareCommand, synthCommand, trainCommand, workerCommand, type CommandContext, type CommonFlags } from './commands.js';
import { EXIT, isUserFacing, UserError } from './errors.js';
import { chooseMode, createReporter } from './progress.js';
import { runPaths } from './run-folder.js';
import { Interrupted, type StopFlag } from './stop.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = {
  help: { type: 'boolean', short: 'h' },
  config: { type: 'string', short: 'c' },
  preset: { type: 'string' },
  name: { type: 'string' },
  'runs-dir': { type: 'string' },
  'cache-dir': { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  workers: { type: 'string' },
  data: { type: 'string' },
  'data-path': { type: 'string' },
  aus: { type: 'string' },
  identities: { type: 'string' },
  frames: { type: 'string' },
  fold: { type: 'string' },
  'skip-bad': { type: 'boolean' },
  'max-train': { type: 'string' },
  'max-train-subjects': { type: 'string' },
  'validation-subjects': { type: 'string' },
  'held-out': { type: 'string' },
  'synthetic-seed': { type: 'string' },
  subjects: { type: 'string' },
  'images-dir': { type: 'string' },
  'landmarks-dir': { type: 'string' },
  camera: { type: 'string' },
  'landmark-numbering': { type: 'string' },
  'videos-dir': { type: 'string' },
  'no-image-check': { type: 'boolean' },
  scheme: { type: 'string' },
  model: { type: 'string' },
  'model-preset': { type: 'string' },
  adjacency: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  lambda: { type: 'string' },
  sigma: { type: 'string' },
  'geometry-mode': { type: 'string' },
  'geometry-epochs': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  json: { type: 'boolean' },
};

const COMMON_HELP = `Common options:
  -c, --config <file>       JSON or YAML config (fields as in the run folder's config.json)
      --preset <name>       start from a preset: ${Object.keys(PRESETS).join(', ')}
      --name <run>          run name; the run folder is <runs-dir>/<run>   (default "run")
      --runs-dir <dir>      where run folders go                            (default runs)
      --cache-dir <dir>     aligned-crop caches and synthetic data          (default .g2rl-cache)
      --seed <n>            one seed for every random choice                (default 1)
      --backend <name>      auto | tensorflow-gpu | tensorflow | native | wasm | cpu (env G2RL_BACKEND)
      --workers <n|auto>    data-parallel replicas, one thread each (default auto: the cores on wasm, 1 on native; env G2RL_WORKERS)
      --data <kind>         synthetic | manifest | disfa | bp4d             (default synthetic)
      --data-path <path>    data set root, manifest file, or synthetic folder
      --aus <list>          AUs to estimate, e.g. 1,2,4,6,12               (default: the data's)
      --identities <n>      synthetic identities; --frames <n> frames each
      --fold <k>            which fold to hold out (0-based)
      --max-train <n>       cap on training images;  --max-train-subjects <n>  on training subjects (by seed)
      --validation-subjects <n>  keep n of each fold's training subjects out for tuning (by seed)
      --held-out <which>    test | validation: which held-out subjects train/eval score  (default test)
      --skip-bad            skip malformed records (counted) instead of stopping
      --subjects <list>     only these subjects, e.g. SN001,SN002 (disfa, bp4d)
      --images-dir <dir>    extracted frames (default <data-path>/Images);  --landmarks-dir <dir>  landmark files
      --camera <c>          DISFA: left | right camera's video              (default left)
      --landmark-numbering <n>  DISFA: auto | from-0 | from-1 (landmark file numbers; auto detects and checks)
      --videos-dir <dir>    DISFA: the camera's videos (default <data-path>/Videos_LeftCamera or _RightCamera)
      --no-image-check      manifest: do not check that image files exist;  --scheme ibug68|disfa66|bp4d49  for CSV rows
      --synthetic-seed <n>  seed of the synthetic data set                  (default: --seed)
      --model-preset <p>    small | paper;  --adjacency static | dynamic
      --epochs <n>  --batch-size <n>  --lr <x>  --lambda <x>  --sigma <px>  --geometry-mode pretrained-frozen|joint  --geometry-epochs <n>
  -q, --quiet               only the final result;  --json  progress as JSON lines even on a terminal
  -h, --help                this help`;

interface CommandSpec {
  summary: string;
  usage: string;
  examples: string[];
  options?: Options;
  run: (flags: CommonFlags & Record<string, unknown>, ctx: CommandContext) => Promise<unknown>;
}

const COMMANDS: Record<string, CommandSpec> = {
  demo: {
    summary: 'make the synthetic data, train the small model with G2RL, calibrate it on validation identities, evaluate on unseen test identities, leave a servable model',
    usage: 'g2rl-train demo [options]',
    examples: ['g2rl-train demo', 'g2rl-train demo --epochs 2 --identities 30'],
    options: { resume: { type: 'boolean' } },
    run: demoCommand,
  },
  synth: {
    summary: 'make (or reuse) the synthetic FACS face data set and a contact sheet',
    usage: 'g2rl-train synth [--identities N] [--frames N] [--data-path DIR] [--seed N]',
    examples: ['g2rl-train synth --identities 100 --frames 100 --data-path data/synthetic'],
    run: synthCommand,
  },
  prepare: {
    summary: 'turn DISFA / BP4D as distributed into frames and cached aligned crops (once)',
    usage: 'g2rl-train prepare --data disfa|bp4d|manifest --data-path ROOT [--camera left|right] [--videos-dir DIR]',
    examples: ['g2rl-train prepare --data disfa --data-path /data/DISFA', 'g2rl-train prepare --data disfa --data-path /data/DISFA --camera right', 'g2rl-train prepare --data bp4d --data-path /data/BP4D'],
    options: { videos: { type: 'string' } },
    run: prepareCommand,
  },
  train: {
    summary: 'train G2RL (or the λ = 0 baseline), evaluate on held-out subjects, export the model',
    usage: 'g2rl-train train [options] [--resume | --overwrite]',
    examples: ['g2rl-train train --name g2rl-synth --epochs 6', 'g2rl-train train --data disfa --data-path /data/DISFA --fold 1 --model-preset paper', 'g2rl-train train --name g2rl-synth --resume'],
    options: { resume: { type: 'boolean' }, overwrite: { type: 'boolean' } },
    run: trainCommand,
  },
  calibrate: {
    summary: "fit per-AU intensity factors on the validation subjects and write them into a run's model card (or --model DIR's)",
    usage: 'g2rl-train calibrate --name RUN | --model DIR [options with validation subjects]',
    examples: ['g2rl-train calibrate --preset demo --name demo', 'g2rl-train calibrate --name my-run --validation-subjects 20'],
    run: calibrateCommand,
  },
  eval: {
    summary: "evaluate a run's exported model (or --model DIR) on the held-out subjects",
    usage: 'g2rl-train eval --name RUN | --model DIR [data options]',
    examples: ['g2rl-train eval --name demo --preset demo', 'g2rl-train eval --model runs/demo/model --data manifest --data-path my/manifest.jsonl'],
    run: evalCommand,
  },
  cv: {
    summary: 'k-fold cross-validation by subject: a run and report per fold, and a pooled report',
    usage: 'g2rl-train cv [options] [--queue redis://HOST:PORT]',
    examples: ['g2rl-train cv --data disfa --data-path /data/DISFA', 'g2rl-train cv --preset demo --name demo'],
    options: { queue: { type: 'string' } },
    run: cvCommand,
  },
  benchmark: {
    summary: "the data set's standard protocol in one resumable command (DISFA: its 3 subject folds; BP4D: FERA 2015), results table with 95 % intervals",
    usage: 'g2rl-train benchmark --data disfa|bp4d --data-path ROOT [--name NAME] [--resamples B]',
    examples: ['g2rl-train benchmark --data disfa --data-path /data/DISFA --name disfa-paper --model-preset paper --preset paper', 'g2rl-train benchmark --data bp4d --data-path /data/BP4D'],
    options: { resamples: { type: 'string' }, queue: { type: 'string' } },
    run: benchmarkCommand,
  },
  ablation: {
    summary: 'G2RL and the λ = 0 baseline on the same splits for --seeds N seeds: paired difference of mean ICC with a 95 % bootstrap interval',
    usage: 'g2rl-train ablation [options] [--seeds N] [--resamples B]',
    examples: ['g2rl-train ablation --preset demo --name ablation --seeds 3'],
    options: { seeds: { type: 'string' }, resamples: { type: 'string' }, queue: { type: 'string' } },
    run: ablationCommand,
  },
  'data-efficiency': {
    summary: 'the ablation with fewer training subjects (--train-subjects 25,50,100,200): where geometry guidance helps and where not',
    usage: 'g2rl-train data-efficiency [options] [--train-subjects LIST] [--seeds N]',
    examples: ['g2rl-train data-efficiency --preset demo --name efficiency --train-subjects 25,50,100,200'],
    options: { 'train-subjects': { type: 'string' }, seeds: { type: 'string' }, resamples: { type: 'string' }, queue: { type: 'string' } },
    run: dataEfficiencyCommand,
  },
  worker: {
    summary: 'train the runs that cv, benchmark, ablation or data-efficiency --queue put on a Redis queue (any number of machines sharing the runs folder)',
    usage: 'g2rl-train worker --redis redis://HOST:PORT [--until-empty] [--backend NAME]',
    examples: ['g2rl-train worker --redis redis://10.0.0.5:6379', 'g2rl-train worker --redis rediss://:password@queue.lab:6380 --until-empty'],
    options: { redis: { type: 'string' }, 'until-empty': { type: 'boolean' } },
    run: workerCommand,
  },
  export: {
    summary: "write a run's inference model (backbone + head, no geometry) with its model card to --out",
    usage: 'g2rl-train export --name RUN --out DIR',
    examples: ['g2rl-train export --name demo --out models/au-small'],
    options: { out: { type: 'string' } },
    run: exportCommand,
  },
  predict: {
    summary: 'AU intensities for a folder of images (faces detected) or a manifest (landmarks given) → CSV',
    usage: 'g2rl-train predict --model DIR --input FOLDER|MANIFEST [--out predictions.csv]',
    examples: ['g2rl-train predict --model runs/demo/model --input photos/ --out aus.csv'],
    options: { input: { type: 'string' }, out: { type: 'string' } },
    run: predictCommand,
  },
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'g2rl-train — Geometry-Guided Representation Learning for facial AU intensity',
    '',
    'Usage: g2rl-train <command> [options]      g2rl-train <command> --help',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, spec]) => `  ${name.padEnd(width)}  ${spec.summary}`),
    '',
    'Example: g2rl-train demo',
  ].join('\n');
}

function commandHelp(name: string, spec: CommandSpec): string {
  const extra = Object.keys(spec.options ?? {}).map((o) => `--${o}`);
  return [
    `g2rl-train ${name} — ${spec.summary}`,
    '',
    `Usage: ${spec.usage}`,
    extra.length ? `Command options: ${extra.join(', ')}` : '',
    '',
    COMMON_HELP,
    '',
    'Examples:',
    ...spec.examples.map((e) => `  ${e}`),
  ]
    .filter((line, i, all) => !(line === '' && all[i - 1] === ''))
    .join('\n');
}

/** Flags → a partial config (numbers parsed, each error naming its flag). */
export function flagsToOverrides(values: Record<string, unknown>): DeepPartial<TrainConfig> {
  const num = (flag: string): number | undefined => {
    const v = values[flag];
    if (v === undefined) return undefined;
    const n = Number(v);
    if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n)) throw new UserError(`--${flag}: expected a number, got ${JSON.stringify(v)}`);
    return n;
  };
  const str = (flag: string) => values[flag] as string | undefined;
  const o: DeepPartial<TrainConfig> = { data: {}, model: {}, train: {} };
  const set = <T extends object>(target: T, key: keyof T, value: unknown) => {
    if (value !== undefined) (target as Record<string, unknown>)[key as string] = value;
  };
  set(o, 'name', str('name'));
  set(o, 'runsDir', str('runs-dir'));
  set(o, 'cacheDir', str('cache-dir'));
  set(o, 'seed', num('seed'));
  set(o, 'backend', str('backend') ?? process.env.G2RL_BACKEND);
  const workers = str('workers') ?? process.env.G2RL_WORKERS;
  if (workers !== undefined && workers !== 'auto' && !/^\d+$/.test(workers)) throw new UserError(`--workers: expected auto or a whole number, got ${JSON.stringify(workers)}`);
  set(o, 'workers', workers === undefined || workers === 'auto' ? workers : Number(workers));
  set(o.data!, 'kind', str('data'));
  set(o.data!, 'path', str('data-path'));
  set(o.data!, 'identities', num('identities'));
  set(o.data!, 'framesPerIdentity', num('frames'));
  set(o.data!, 'fold', num('fold'));
  set(o.data!, 'maxTrainSamples', num('max-train'));
  set(o.data!, 'maxTrainSubjects', num('max-train-subjects'));
  set(o.data!, 'validationSubjects', num('validation-subjects'));
  set(o.data!, 'heldOut', str('held-out'));
  if (values['skip-bad']) o.data!.skipBad = true;
  set(o.data!, 'syntheticSeed', num('synthetic-seed'));
  const subjects = str('subjects');
  if (subjects !== undefined) {
    const list = subjects.split(',').map((s) => s.trim()).filter(Boolean);
    if (list.length === 0) throw new UserError(`--subjects: expected subject ids separated by commas (e.g. SN001,SN002), got ${JSON.stringify(subjects)}`);
    o.data!.subjects = list;
  }
  set(o.data!, 'imagesDir', str('images-dir'));
  set(o.data!, 'landmarksDir', str('landmarks-dir'));
  const disfa: Record<string, unknown> = {};
  set(disfa, 'camera', str('camera'));
  set(disfa, 'landmarkNumbering', str('landmark-numbering'));
  set(disfa, 'videosDir', str('videos-dir') ?? str('videos'));
  if (Object.keys(disfa).length) o.data!.disfa = disfa;
  const manifest: Record<string, unknown> = {};
  if (values['no-image-check']) manifest.checkImages = false;
  set(manifest, 'scheme', str('scheme'));
  if (Object.keys(manifest).length) o.data!.manifest = manifest;
  const aus = str('aus');
  if (aus !== undefined) {
    const list = aus.split(',').map((a) => Number(a.trim().replace(/^AU/i, '')));
    if (list.some((a) => !Number.isInteger(a) || a <= 0)) throw new UserError(`--aus: expected AU numbers separated by commas (e.g. 1,2,4,12), got ${JSON.stringify(aus)}`);
    o.data!.aus = list;
  }
  set(o.model!, 'preset', str('model-preset'));
  set(o.model!, 'adjacency', str('adjacency'));
  set(o.train!, 'epochs', num('epochs'));
  set(o.train!, 'batchSize', num('batch-size'));
  set(o.train!, 'learningRate', num('lr'));
  set(o.train!, 'lambda', num('lambda'));
  set(o.model!, 'sigma', num('sigma'));
  set(o.train!, 'geometryMode', str('geometry-mode'));
  set(o.train!, 'geometryEpochs', num('geometry-epochs'));
  return o;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(mainHelp());
    return name === undefined ? EXIT.user : EXIT.ok;
  }
  const spec = COMMANDS[name];
  if (!spec) {
    console.error(`g2rl-train: unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')} (g2rl-train --help)`);
    return EXIT.user;
  }
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: rest, options: { ...COMMON, ...spec.options }, allowPositionals: false, strict: true }));
  } catch (error) {
    console.error(`g2rl-train ${name}: ${(error as Error).message} (g2rl-train ${name} --help)`);
    return EXIT.user;
  }
  if (values.help) {
    console.log(commandHelp(name, spec));
    return EXIT.ok;
  }
  const stop: StopFlag = { requested: false };
  const mode = values.quiet ? 'quiet' : values.json ? 'json' : chooseMode(false);
  let logFile: string | undefined;
  let reporter = createReporter(mode);
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.requested) process.exit(EXIT.interrupted);
    stop.requested = true;
    process.stderr.write(`\ng2rl-train: ${signal}: saving a checkpoint after the current step (again to quit at once)\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const overrides = flagsToOverrides(values);
    const flags = { ...values, preset: values.preset as string | undefined, config: values.config as string | undefined, overrides };
    if (['demo', 'train'].includes(name)) {
      // Log every event of the run to its folder too.
      const c = resolveConfig({ preset: flags.preset ?? (name === 'demo' ? 'demo' : undefined), file: flags.config, overrides });
      logFile = runPaths(c.runsDir, c.name).log;
      mkdirSync(dirname(logFile), { recursive: true });
      reporter = createReporter(mode, logFile);
    }
    const ctx: CommandContext = { reporter, stop, print: (text) => console.log(text) };
    await spec.run(flags, ctx);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof Interrupted) {
      console.error(`g2rl-train: ${error.message}`);
      return EXIT.interrupted;
    }
    if (isUserFacing(error)) {
      console.error(`g2rl-train ${name}: ${(error as Error).message}`);
      return EXIT.user;
    }
    console.error(error);
    return EXIT.bug;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

const invokedDirectly = process.argv[1] !== undefined && /cli\.(c?js|ts)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      // Worker threads and wasm keep handles open; the work is done.
      process.exit(code);
    },
    (error) => {
      console.error(error);
      process.exit(EXIT.bug);
    },
  );
}
