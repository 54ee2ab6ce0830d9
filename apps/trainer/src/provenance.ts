/**
 * What a results table must carry so that someone else can tell what produced it: the
 * versions of every package that ran, and a checksum of the labels it was scored on.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { writeFileAtomicSync } from '@g2rl/common/fs';
import type { Sample } from '@g2rl/datasets';

const require = createRequire(import.meta.url);

/** The packages whose code decides a result (the trainer's own dependencies, and tfjs). */
const RESULT_PACKAGES = [
  '@g2rl/backend', '@g2rl/common', '@g2rl/datasets', '@g2rl/face', '@g2rl/graph', '@g2rl/heatmaps',
  '@g2rl/losses', '@g2rl/metrics', '@g2rl/models', '@tensorflow/tfjs',
];

/** `{ name: version }` of the trainer, the packages it ran on, and Node. */
export function packageVersions(): Record<string, string> {
  const versions: Record<string, string> = { '@g2rl/trainer': versionOf('../package.json') };
  for (const name of RESULT_PACKAGES) versions[name] = versionOf(`${name}/package.json`);
  versions.node = process.versions.node;
  return versions;
}

function versionOf(specifier: string): string {
  try {
    return (require(specifier) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/**
 * SHA-256 of the labels used, independent of file layout: one line per sample, sorted by id,
 * `id<TAB>au:value,au:value,…` (a missing label written as `au:`), joined by newlines. Two
 * runs with the same checksum were scored on the same frames with the same labels.
 */
export function labelChecksum(samples: readonly Sample[]): string {
  const lines = samples
    .map((s) => `${s.id}\t${s.aus.map((au, a) => `${au}:${Number.isNaN(s.intensities[a]) ? '' : s.intensities[a]}`).join(',')}`)
    .sort();
  return `sha256:${createHash('sha256').update(lines.join('\n')).digest('hex')}`;
}

/** "name version, …" for a report line. */
export function formatVersions(versions: Record<string, string>): string {
  return Object.entries(versions).map(([name, version]) => `${name} ${version}`).join(', ');
}

/** The resolved config as a fenced JSON block, the last lines of a Markdown report. */
export function configBlock(config: unknown): string[] {
  return ['```json', JSON.stringify(config, null, 2), '```', ''];
}

/** Writes `<dir>/<stem>.md`, `.csv` and `.json` atomically (the three forms of one results table). */
export function writeResultFiles(dir: string, stem: string, files: { markdown: string; csv: string; json: unknown }): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomicSync(join(dir, `${stem}.md`), files.markdown);
  writeFileAtomicSync(join(dir, `${stem}.csv`), files.csv);
  writeFileAtomicSync(join(dir, `${stem}.json`), `${JSON.stringify(files.json, null, 2)}\n`);
}
