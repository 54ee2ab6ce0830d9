/**
 * The one atomic file write of g2rl (Node only). Checkpoints, exported models, synthetic
 * data sets, crop caches, contact sheets and result CSVs all go through it, so a reader (or a
 * run that resumes after a kill) never sees a half-written file.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The temporary name beside `path` (same directory, so the rename stays on one file system). */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data) : data;
}

/**
 * A file written in pieces that appears at `path` only when `commit()` is called: the pieces
 * go to a temporary file beside it; `commit` fsyncs and renames it over the target; `abort`
 * (or any failed write) removes it and leaves the target as it was. For outputs too large to
 * hold in memory (a video's CSV).
 */
export interface AtomicFileWriter {
  readonly path: string;
  write(data: string | Uint8Array): void;
  commit(): void;
  abort(): void;
}

/** Opens an {@link AtomicFileWriter} for `path`. */
export function openAtomicFileSync(path: string): AtomicFileWriter {
  const temp = temporaryPathFor(path);
  const fd = openSync(temp, 'w');
  let open = true;
  const abort = () => {
    if (open) closeSync(fd);
    open = false;
    rmSync(temp, { force: true });
  };
  return {
    path,
    write(data) {
      if (!open) throw new Error(`openAtomicFileSync(${path}): write after commit or abort`);
      try {
        const bytes = toBytes(data);
        let written = 0;
        while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
      } catch (error) {
        abort();
        throw error;
      }
    },
    commit() {
      if (!open) throw new Error(`openAtomicFileSync(${path}): commit after commit or abort`);
      try {
        fsyncSync(fd);
        closeSync(fd);
        open = false;
        renameSync(temp, path);
      } catch (error) {
        abort();
        throw error;
      }
    },
    abort,
  };
}

/**
 * Writes `data` to `path` atomically: a temporary file beside it, fsync, rename over the
 * target. On any error the temporary file is removed and the target is left as it was.
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): void {
  const file = openAtomicFileSync(path);
  file.write(data);
  file.commit();
}

/**
 * `writeFileAtomicSync`, asynchronously; `data` may also be several chunks written in order.
 * `durable: false` skips the fsync: still atomic against a killed process (the rename), not
 * against a power loss; only for files whose contents are checked on every read otherwise
 * (the synthetic images against SHA256SUMS), where thousands of fsyncs would hold libuv's
 * four threads that sharp's encoders need.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array | readonly (string | Uint8Array)[], options: { durable?: boolean } = {}): Promise<void> {
  const temp = temporaryPathFor(path);
  try {
    const handle = await open(temp, 'w');
    try {
      for (const chunk of Array.isArray(data) ? data : [data]) await handle.write(toBytes(chunk as string | Uint8Array));
      if (options.durable !== false) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
