import { rename, unlink, writeFile } from 'node:fs/promises';

let counter = 0;

/**
 * Writes a file atomically: the data goes to a temporary file beside the target, which is
 * then renamed over it, so a reader never sees a half-written file (rename is atomic on
 * the same file system).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}-${Date.now()}-${counter++}`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
