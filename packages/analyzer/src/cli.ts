#!/usr/bin/env node
// g2rl-analyze: AU intensities for photos → CSV (or JSON lines), one row per face.
// Progress and the summary go to stderr, results to --out (atomically) or stdout; a file
// that cannot be read is one line on stderr and the run goes on. Exit 0 = all inputs
// analysed, 1 = some failed, 2 = usage error.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DETECTORS, type DetectorKind } from '@g2rl/face';
import { LANDMARK_SCHEMES } from '@g2rl/heatmaps';
import { csvHeader, csvRow } from './csv.js';
import { AnalyzerError } from './errors.js';
import { createAnalyzer } from './node.js';
import type { ImageResult } from './types.js';

const USAGE = `g2rl-analyze — facial Action Unit intensities (0–5) for photos

Usage: g2rl-analyze <image|folder|glob>… [options]

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

Columns: image, face, box_x, box_y, box_width, box_height, confidence (detector score),
quality, x_0…x_67, y_0…y_67 (landmarks, image pixels), then AU01_r, AU02_r, … (intensity 0–5).
An image with no face gets no row (it is counted in the summary).`;

const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|gif|tiff?|avif|bmp)$/i;

class UsageError extends Error {}

/** Expands folders (their images, sorted) and simple globs (`*`, `?` in the last path part). */
export function expandInputs(args: string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    if (/[*?]/.test(basename(arg))) {
      const dir = dirname(arg);
      if (!existsSync(dir)) throw new UsageError(`${arg}: folder ${dir} does not exist`);
      const pattern = new RegExp(`^${basename(arg).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
      const matched = readdirSync(dir).filter((f) => pattern.test(f)).sort().map((f) => join(dir, f));
      if (matched.length === 0) throw new UsageError(`${arg}: no file matches`);
      out.push(...matched);
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

function writeAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

function progress(done: number, total: number, started: number): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const rate = done / Math.max(1e-3, (Date.now() - started) / 1000);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} images  ${rate.toFixed(1)}/s `);
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      out: { type: 'string' }, format: { type: 'string' }, model: { type: 'string' }, 'max-faces': { type: 'string' },
      'min-quality': { type: 'string' }, detector: { type: 'string' }, backend: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' },
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
  const inputs = expandInputs(positionals);
  const quiet = values.quiet ?? false;
  const showBar = !quiet && process.stderr.isTTY;

  const analyzer = await createAnalyzer({
    model: values.model ? resolve(values.model) : undefined,
    detector: values.detector as DetectorKind | undefined,
    minQuality,
    maxFaces,
    backend: values.backend as never,
  });
  const landmarkCount = LANDMARK_SCHEMES[analyzer.card.scheme].size;
  const lines: string[] = format === 'csv' ? [csvHeader(analyzer.card.aus, landmarkCount).join(',')] : [];
  let faces = 0;
  let noFace = 0;
  let failed = 0;
  const started = Date.now();
  for (let i = 0; i < inputs.length; i++) {
    const file = inputs[i]!;
    const [outcome] = await analyzer.analyzeBatch([file], { maxFaces });
    if (outcome instanceof AnalyzerError && outcome.code === 'no-face') {
      noFace++;
      if (format === 'jsonl') lines.push(JSON.stringify({ image: file, faces: [], reason: outcome.message }));
    } else if (outcome instanceof Error) {
      failed++;
      if (showBar) process.stderr.write('\n');
      process.stderr.write(`g2rl-analyze: ${file}: ${outcome.message.startsWith(file) ? outcome.message.slice(file.length + 2) : outcome.message}\n`);
    } else {
      const result = outcome as ImageResult;
      faces += result.faces.length;
      if (format === 'csv') result.faces.forEach((face, f) => lines.push(csvRow(file, f, face, landmarkCount).join(',')));
      else lines.push(JSON.stringify({ image: file, ...result }));
    }
    if (showBar) progress(i + 1, inputs.length, started);
  }
  analyzer.dispose();
  const text = `${lines.join('\n')}\n`;
  if (values.out) writeAtomic(resolve(values.out), text);
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
