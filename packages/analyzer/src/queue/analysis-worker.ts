/**
 * What a `g2rl-analyze worker` does with a job: runs g2rl-analyze itself on the job's input in
 * a child process (so a crash in native code costs one attempt, not the worker, and the heavy
 * work never starves the event loop that renews the job's lock), then publishes the table and
 * a JSON beside it (input checksum, model card digest, versions, timings) through
 * `@g2rl/queue`'s `publishResult`: the result appears once, complete, or not at all.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishResult, type JobContext } from '@g2rl/queue';
import { defaultModelDir } from '../node.js';
import { IMAGE_EXTENSIONS } from '../video/sniff.js';
import type { AnalysisJob } from './analysis-jobs.js';

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A file's SHA-256; a folder's is the SHA-256 of its images' `name sha256` lines, sorted. */
export async function inputSha256(job: Pick<AnalysisJob, 'input' | 'kind'>): Promise<string> {
  if (job.kind !== 'images') return fileSha256(job.input);
  const lines: string[] = [];
  for (const f of readdirSync(job.input).filter((n) => IMAGE_EXTENSIONS.test(n)).sort()) lines.push(`${f} ${await fileSha256(join(job.input, f))}`);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/** This package's folder: the nearest package.json named @g2rl/analyzer above this module (src/ or dist/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).name === '@g2rl/analyzer') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('@g2rl/analyzer: cannot find its own package.json');
    dir = up;
  }
}

const packageVersion = (): string => JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version;

/** The CLI this package ships, built (dist/cli.js). */
const cliPath = () => join(packageRoot(), 'dist', 'cli.js');

/** Runs one analysis job; resolves with the published result's paths. */
export async function runAnalysisJob(job: JobContext<AnalysisJob>): Promise<{ result: string; seconds: number }> {
  const data = job.data;
  const started = Date.now();
  const scratch = mkdtempSync(join(tmpdir(), 'g2rl-job-'));
  try {
    const table = join(scratch, `${data.name}.${data.format}`);
    const args = [cliPath(), data.input, '--out', table, '--format', data.format, '--quiet'];
    const s = data.settings;
    if (s.model) args.push('--model', s.model);
    if (s.detector) args.push('--detector', s.detector);
    if (s.minQuality !== undefined) args.push('--min-quality', String(s.minQuality));
    if (s.maxFaces !== undefined) args.push('--max-faces', String(s.maxFaces));
    if (s.backend) args.push('--backend', s.backend);
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, G2RL_PROGRESS: 'lines' } });
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) {
          const m = /^progress (\d+) (\d+)$/.exec(line.trim());
          if (m) void job.progress((Number(m[1]) / Math.max(1, Number(m[2]))) * 100);
          else if (line.trim()) err += `${line}\n`;
        }
      });
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stderr: err }));
    });
    // exit 1 = some images could not be read: the table is still the result (the errors go in
    // the JSON); anything else is a failed attempt.
    if (code !== 0 && code !== 1) throw new Error(`g2rl-analyze exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ') || 'no message'}`);
    const body = readFileSync(table);
    const modelDir = s.model ?? (await defaultModelDir());
    const cardPath = join(modelDir, 'model-card.json');
    const finished = Date.now();
    const published = await publishResult(data.out, data.name, data.format, body, {
      input: data.input,
      kind: data.kind,
      inputSha256: await inputSha256(data),
      inputBytes: data.kind === 'images' ? undefined : statSync(data.input).size,
      modelCardSha256: createHash('sha256').update(readFileSync(cardPath)).digest('hex'),
      settings: s,
      versions: { '@g2rl/analyzer': packageVersion(), node: process.version },
      worker: { host: hostname(), pid: process.pid },
      attempt: job.attempt,
      timings: { startedAt: new Date(started).toISOString(), finishedAt: new Date(finished).toISOString(), seconds: (finished - started) / 1000 },
      errors: stderr.trim() ? stderr.trim().split('\n') : [],
    });
    return { result: published.bodyPath, seconds: (finished - started) / 1000 };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
