/**
 * What `g2rl-analyze queue add` puts on the queue: one job per video, per image folder, or per
 * loose image (told apart by content), from paths, simple globs and list files (`list.txt`: one input per line, `#`
 * comments). The job id hashes the absolute input and the settings, so adding the same input
 * twice is a no-op; the result's name is the input's base name, and two inputs that would
 * write the same name are refused at once.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { DetectorKind } from '@g2rl/face';
import { jobIdFor, type JobSpec } from '@g2rl/queue';
import { expandGlob, isGlob } from '../input-glob.js';
import { IMAGE_EXTENSIONS } from '../video/sniff.js';
import { mediaKindOf } from '../video/video-cli.js';

/** The settings a worker passes on to g2rl-analyze (all optional, as on its command line). */
export interface AnalysisSettings {
  model?: string;
  detector?: DetectorKind;
  minQuality?: number;
  maxFaces?: number;
  backend?: string;
}

export interface AnalysisJob {
  /** absolute path of a video, an image folder or an image */
  input: string;
  kind: 'video' | 'images' | 'image';
  /** the shared output folder (absolute) */
  out: string;
  /** result base name: `<out>/<name>.<format>` and `<out>/<name>.json` */
  name: string;
  format: 'csv' | 'jsonl';
  settings: AnalysisSettings;
}

export class InputError extends Error {}

function expandOne(arg: string, from: string, out: string[]): void {
  const path = resolve(from, arg);
  if (isGlob(path)) {
    out.push(...expandGlob(arg, path, (message) => new InputError(message)));
  } else if (!existsSync(path)) {
    throw new InputError(`${arg}: no such file or folder`);
  } else if (statSync(path).isFile() && extname(path).toLowerCase() === '.txt') {
    const lines = readFileSync(path, 'utf8').split(/\r?\n/);
    lines.forEach((line, i) => {
      const entry = line.trim();
      if (!entry || entry.startsWith('#')) return;
      try {
        expandOne(entry, dirname(path), out);
      } catch (error) {
        throw new InputError(`${path}:${i + 1}: ${(error as Error).message}`);
      }
    });
  } else {
    out.push(path);
  }
}

/** The jobs for `args` (paths, globs, list files), writing to `out`. */
export function analysisJobsFor(args: readonly string[], out: string, format: 'csv' | 'jsonl', settings: AnalysisSettings, cwd = process.cwd()): JobSpec<AnalysisJob>[] {
  const inputs: string[] = [];
  for (const arg of args) expandOne(arg, cwd, inputs);
  const outDir = resolve(cwd, out);
  const byName = new Map<string, string>();
  const specs: JobSpec<AnalysisJob>[] = [];
  for (const input of [...new Set(inputs)]) {
    const stat = statSync(input);
    let kind: AnalysisJob['kind'];
    if (stat.isDirectory()) {
      if (!readdirSync(input).some((f) => IMAGE_EXTENSIONS.test(f))) throw new InputError(`${input}: the folder holds no images`);
      kind = 'images';
    } else kind = mediaKindOf(input); // by content, as g2rl-analyze itself decides
    const name = stat.isDirectory() ? basename(input) : basename(input, extname(input));
    const other = byName.get(name);
    if (other) throw new InputError(`${input} and ${other} would both write ${join(outDir, `${name}.${format}`)}: rename one or add them with different --out folders`);
    byName.set(name, input);
    const data: AnalysisJob = { input, kind, out: outDir, name, format, settings };
    specs.push({ id: jobIdFor({ input, out: outDir, format, settings }), name, data });
  }
  return specs;
}
