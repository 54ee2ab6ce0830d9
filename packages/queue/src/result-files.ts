/**
 * A job's result in the shared output folder: the body (`<name>.csv`, `.jsonl`, …) and a small
 * JSON beside it (`<name>.json`: input checksum, model card digest, versions, timings, and the
 * body's own SHA-256). Both are written atomically, the body first: the JSON is the commit
 * mark, so a result is there exactly when its JSON is there and the body's checksum matches.
 * A retried job rewrites identical bytes; a reader never sees half of either file.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@g2rl/common/fs';

export interface ResultMeta {
  /** the input as the job named it (absolute path) */
  input: string;
  [field: string]: unknown;
}

export interface PublishedResult {
  bodyPath: string;
  metaPath: string;
  bodySha256: string;
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** The two paths of result `name` in `outDir` (`extension` without the dot). */
export function resultPaths(outDir: string, name: string, extension: string): { body: string; meta: string } {
  if (!/^[^/\\\0]+$/.test(name) || name === '.' || name === '..') throw new Error(`result name ${JSON.stringify(name)} is not a plain file name`);
  return { body: join(outDir, `${name}.${extension}`), meta: join(outDir, `${name}.json`) };
}

/** Writes the body, then the JSON that marks it complete. */
export async function publishResult(outDir: string, name: string, extension: string, body: string | Uint8Array, meta: ResultMeta): Promise<PublishedResult> {
  mkdirSync(outDir, { recursive: true });
  const paths = resultPaths(outDir, name, extension);
  const bodySha256 = sha256(body);
  await writeFileAtomic(paths.body, body);
  await writeFileAtomic(paths.meta, `${JSON.stringify({ ...meta, result: `${name}.${extension}`, resultSha256: bodySha256 }, null, 2)}\n`);
  return { bodyPath: paths.body, metaPath: paths.meta, bodySha256 };
}

/**
 * The published meta of result `name` if it is complete (JSON present, body present and its
 * SHA-256 as recorded), else `undefined`.
 */
export function readCompleteResult(outDir: string, name: string, extension: string): (ResultMeta & { resultSha256: string }) | undefined {
  const paths = resultPaths(outDir, name, extension);
  if (!existsSync(paths.meta) || !existsSync(paths.body)) return undefined;
  let meta: ResultMeta & { resultSha256: string };
  try {
    meta = JSON.parse(readFileSync(paths.meta, 'utf8'));
  } catch {
    return undefined;
  }
  return sha256(readFileSync(paths.body)) === meta.resultSha256 ? meta : undefined;
}
