#!/usr/bin/env node
// g2rl-analyze: AU intensities for photos → CSV (or JSON lines), one row per face.
// Progress and the summary go to stderr, results to --out (atomically) or stdout; a file
// that cannot be read is one line on stderr and the run goes on. Exit 0 = all inputs
// analysed, 1 = some failed, 2 = usage error.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeFileAtomicSync } from '@g2rl/common/fs';
import { DETECTORS, type DetectorKind } from '@g2rl/face';
import { AnalyzerError } from './errors.js';
import { createAnalyzer, createNodePipeline } from './node.js';
import { DEFAULT_CALIBRATION, DEFAULT_SMOOTH } from './video/defaults.js';
import { DEFAULT_DETECT_EVERY } from './video/video-analysis.js';
import { VideoError } from './video/video-error.js';
import { IMAGE_EXTENSIONS } from './video/sniff.js';
import { describeRun, mediaKindOf, outputFor, parseCalibration, runVideoJob, type VideoJob } from './video/video-cli.js';
import { analyzeImageTable } from './image-table.js';
import { expandGlob, isGlob } from './input-glob.js';
import { queueMain } from './queue/queue-cli.js';
import { webMain } from './web/web-cli.js';

const USAGE = `g2rl-analyze — facial Action Unit intensities (0–5) for photos and videos

Usage: g2rl-analyze <image|folder|glob>… [options]
       g2rl-analyze <video>… [--out video.csv | --out folder/] [video options]
       g2rl-analyze --sequence <folder of numbered frames> [--fps 30] [video options]
       g2rl-analyze queue add|status|retry-failed|drain …, g2rl-analyze worker …
         (share the work between machines on Redis: g2rl-analyze queue --help)
       g2rl-analyze web --out DIR [--model DIR]
         (the live page, webcam → AUs in the browser, as a static folder: g2rl-analyze web --help)

Options:
  --out <file>          results.csv or results.jsonl (default: CSV on stdout)
  --format csv|jsonl    output format (default from --out's extension, else csv)
  --model <dir>         model folder (default: @g2rl/model-small-synthetic, trained on synthetic faces)
  --max-faces <n>       faces per image, highest detector scores first (default 10)
  --min-quality <q>     drop detections whose quality (face-likeness, 0–1) is below q (default 0.1)
  --detector <name>     face detector: ssd, tiny, blazeface (default blazeface, ssd without @vladmandic/human)
  --backend <name>      auto | native | wasm | cpu | tensorflow (env G2RL_BACKEND; default auto)
  -q, --quiet           no progress bar or summary
  -h, --help            this help

Video options (a video is recognised by its content; decoded by ffmpeg):
  --start <s> --end <s> analyse from/until these times (seconds)
  --every <n>           every n-th frame (default 1)
  --detect-every <n>    run the face detector every n frames, track in between (default ${DEFAULT_DETECT_EVERY}; 1 = every frame)
  --calibrate none|video|online
                        shift each AU of each face by a low percentile of that face's own
                        predictions (default ${DEFAULT_CALIBRATION}; see the README for the measurement)
  --smooth <n>          centred moving average over n frames (default ${DEFAULT_SMOOTH} = none)
  --resume              continue the run that Ctrl-C stopped (from <name>.partial.csv)
  --sequence            read the folders as image sequences (frames in file-number order)
  --fps <f>             frame rate of an image sequence (default 30)

Columns: image, face, box_x, box_y, box_width, box_height, confidence (detector score),
quality, x_0…x_67, y_0…y_67 (landmarks, image pixels), then AU01_r, AU02_r, … (intensity 0–5).
An image with no face gets no row (it is counted in the summary).

Video columns (OpenFace's): frame, face_id, timestamp, confidence, success, x_0…x_67,
y_0…y_67, AU01_r, …; one row per frame per face, success = 0 (empty values) when no face.
Without --out a video's rows go to <video name>.csv in the current folder.`;


class UsageError extends Error {}

/** Expands folders (their images, sorted) and simple globs (`*`, `?` in the last path part). */
export function expandInputs(args: string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    if (isGlob(arg)) {
      out.push(...expandGlob(arg, arg, (message) => new UsageError(message)));
    } else if (existsSync(arg) && statSync(arg).isDirectory()) {
      const files = readdirSync(arg).filter((f) => IMAGE_EXTENSIONS.test(f)).sort().map((f) => join(arg, f));
      if (files.length === 0) throw new UsageError(`${arg}: the folder holds no images (${IMAGE_EXTENSIONS.source})`);
      out.push(...files);
    } else {
      out.push(arg); // a missing file is reported per input, and the run goes on
    }
  }
  return out;
}

function progress(done: number, total: number, started: number): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const rate = done / Math.max(1e-3, (Date.now() - started) / 1000);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} images  ${rate.toFixed(1)}/s `);
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'queue' || argv[0] === 'worker') return queueMain(argv);
  if (argv[0] === 'web') return webMain(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' }, format: { type: 'string' }, model: { type: 'string' }, 'max-faces': { type: 'string' },
      'min-quality': { type: 'string' }, detector: { type: 'string' }, backend: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' },
      start: { type: 'string' }, end: { type: 'string' }, every: { type: 'string' }, 'detect-every': { type: 'string' },
      calibrate: { type: 'string' }, smooth: { type: 'string' }, resume: { type: 'boolean' }, sequence: { type: 'boolean' }, fps: { type: 'string' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('give at least one image, folder or glob');
  const format = values.format ?? (values.out && extname(values.out).toLowerCase() === '.jsonl' ? 'jsonl' : 'csv');
  if (format !== 'csv' && format !== 'jsonl') throw new UsageError(`--format must be csv or jsonl, got ${format}`);
  const number = (name: string, value: string | undefined, min: number, max: number, integer: boolean): number | undefined => {
    if (value === undefined) return undefined;
    const v = Number(value);
    if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${value}`);
    return v;
  };
  const maxFaces = number('max-faces', values['max-faces'], 1, 1000, true);
  const minQuality = number('min-quality', values['min-quality'], 0, 1, false);
  if (values.detector !== undefined && !(DETECTORS as readonly string[]).includes(values.detector as string)) throw new UsageError(`--detector must be one of ${DETECTORS.join(', ')}, got ${values.detector}`);
  const quiet = values.quiet ?? false;
  const showBar = !quiet && process.stderr.isTTY;
  const jobs: VideoJob[] = positionals.flatMap((p): VideoJob[] => {
    if (isGlob(p) || !existsSync(p)) return [];
    if (statSync(p).isDirectory()) return values.sequence ? [{ kind: 'sequence', path: p }] : [];
    return mediaKindOf(p) === 'video' ? [{ kind: 'video', path: p }] : [];
  });
  if (jobs.length > 0) {
    if (jobs.length !== positionals.length) throw new UsageError('give either photos (files, folders, globs) or videos / --sequence folders, not both in one run');
    const every = number('every', values.every, 1, 1e6, true) ?? 1;
    const detectEvery = number('detect-every', values['detect-every'], 1, 1e6, true) ?? DEFAULT_DETECT_EVERY;
    const smooth = number('smooth', values.smooth, 1, 1e4, true) ?? DEFAULT_SMOOTH;
    const start = number('start', values.start, 0, 1e9, false);
    const end = number('end', values.end, 0, 1e9, false);
    if (start !== undefined && end !== undefined && end <= start) throw new UsageError(`--end (${end}) must be after --start (${start})`);
    const fps = number('fps', values.fps, 0.001, 1e4, false) ?? 30;
    const calibrate = parseCalibration(values.calibrate, DEFAULT_CALIBRATION);
    const outIsFolder = values.out !== undefined && (values.out.endsWith('/') || (existsSync(values.out) && statSync(values.out).isDirectory()) || (jobs.length > 1 && extname(values.out) === ''));
    if (values.out && jobs.length > 1 && !outIsFolder) throw new UsageError(`--out ${values.out}: give a folder (ending in /) for ${jobs.length} videos`);
    if (outIsFolder) mkdirSync(values.out!, { recursive: true });
    const { pipeline, backend } = await createNodePipeline({
      model: values.model ? resolve(values.model) : undefined, detector: values.detector as DetectorKind | undefined, minQuality, maxFaces, backend: values.backend as never,
    });
    const stop = { requested: false };
    const onInterrupt = (): void => {
      if (stop.requested) process.exit(130); // a second Ctrl-C: now
      stop.requested = true;
    };
    process.on('SIGINT', onInterrupt);
    let failed = 0;
    let interrupted = false;
    for (const job of jobs) {
      if (stop.requested) break;
      try {
        const summary = await runVideoJob(pipeline, job, {
          out: outputFor(job.path, values.out, outIsFolder, format), format, start, end, every, detectEvery, calibrate, smooth,
          resume: values.resume ?? false, fps, showBar, stop, maxFaces: maxFaces ?? 10, minQuality: minQuality ?? pipeline.settings.minQuality,
        });
        interrupted ||= summary.interrupted;
        if (!quiet) {
          for (const w of summary.warnings) process.stderr.write(`g2rl-analyze: ${job.path}: warning: ${w}\n`);
          process.stderr.write(`g2rl-analyze: ${describeRun(summary)} (backend ${backend})\n`);
        }
      } catch (error) {
        if (!(error instanceof VideoError || error instanceof AnalyzerError)) throw error;
        failed++;
        process.stderr.write(`g2rl-analyze: ${error.message}\n`);
      }
    }
    process.off('SIGINT', onInterrupt);
    pipeline.model.dispose();
    return interrupted ? 130 : failed > 0 ? 1 : 0;
  }
  const inputs = expandInputs(positionals);

  const analyzer = await createAnalyzer({
    model: values.model ? resolve(values.model) : undefined,
    detector: values.detector as DetectorKind | undefined,
    minQuality,
    maxFaces,
    backend: values.backend as never,
  });
  const started = Date.now();
  const table = await analyzeImageTable(analyzer, inputs, {
    format,
    maxFaces,
    // G2RL_PROGRESS=lines: machine-readable progress for a queue worker running this CLI
    onProgress: (done, total) => (process.env.G2RL_PROGRESS === 'lines' ? process.stderr.write(`progress ${done} ${total}\n`) : showBar && progress(done, total, started)),
    onError: (file, message) => {
      if (showBar) process.stderr.write('\n');
      process.stderr.write(`g2rl-analyze: ${file}: ${message}\n`);
    },
  });
  const { text, faces, noFace, failed } = table;
  analyzer.dispose();
  if (values.out) writeFileAtomicSync(resolve(values.out), text);
  else process.stdout.write(text);
  if (!quiet) {
    if (showBar) process.stderr.write('\n');
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`g2rl-analyze: ${inputs.length} images, ${faces} faces, ${noFace} with no face, ${failed} errors in ${seconds.toFixed(1)} s (backend ${analyzer.backend})${values.out ? ` → ${resolve(values.out)}` : ''}\n`);
  }
  return failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: Error) => {
    const usage = error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`g2rl-analyze: ${error.message}${usage ? '\nTry g2rl-analyze --help.' : ''}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
