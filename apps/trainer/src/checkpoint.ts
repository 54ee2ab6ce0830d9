/**
 * Checkpoints: any plain state object (numbers, strings, arrays, nested objects and typed
 * arrays — model weights, Adam slots, epoch, random state) in one file, written atomically
 * (temporary file in the same folder, fsync, rename), so a crash or a kill never leaves a
 * half-written checkpoint behind.
 *
 * File layout: "G2RLCKPT" (8 bytes) · u32 header length · header JSON · zero padding to a
 * multiple of 8 · the typed arrays' bytes, each 8-byte aligned. In the header a typed array
 * is `{ "$typed": "Float32Array", "offset": bytes, "length": elements }`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { openAtomicFileSync, writeFileAtomicSync } from '@g2rl/common/fs';
import { UserError } from './errors.js';

const MAGIC = 'G2RLCKPT';

type TypedArray = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array | Int8Array | Uint16Array | Int16Array;
const TYPED: Record<string, new (buffer: ArrayBuffer, offset: number, length: number) => TypedArray> = {
  Float32Array,
  Float64Array,
  Int32Array,
  Uint32Array,
  Uint8Array,
  Int8Array,
  Uint16Array,
  Int16Array,
};

const align8 = (n: number) => (n + 7) & ~7;

/** Encodes a state object into the checkpoint byte layout. */
export function encodeCheckpoint(state: unknown): Buffer {
  const blobs: TypedArray[] = [];
  let offset = 0;
  const header = JSON.stringify(state, function replacer(this: unknown, _key, value) {
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const typed = value as TypedArray;
      const name = typed.constructor.name;
      if (!(name in TYPED)) throw new Error(`checkpoint: cannot store a ${name}`);
      const ref = { $typed: name, offset, length: typed.length };
      blobs.push(typed);
      offset = align8(offset + typed.byteLength);
      return ref;
    }
    if (typeof value === 'number' && !Number.isFinite(value)) return { $number: String(value) };
    return value;
  });
  const headerBytes = Buffer.from(header, 'utf8');
  const dataStart = align8(MAGIC.length + 4 + headerBytes.length);
  const out = Buffer.alloc(dataStart + offset);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(headerBytes.length, MAGIC.length);
  headerBytes.copy(out, MAGIC.length + 4);
  let at = dataStart;
  for (const blob of blobs) {
    Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength).copy(out, at);
    at = dataStart + align8(at - dataStart + blob.byteLength);
  }
  return out;
}

/** Decodes bytes made by `encodeCheckpoint`; `source` names the file in errors. */
export function decodeCheckpoint<T = unknown>(bytes: Buffer, source = 'checkpoint'): T {
  if (bytes.length < MAGIC.length + 4 || bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    throw new UserError(`${source} is not a g2rl checkpoint (bad magic bytes)`);
  }
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const dataStart = align8(MAGIC.length + 4 + headerLength);
  if (dataStart > bytes.length) throw new UserError(`${source} is truncated (header runs past the end)`);
  const header = bytes.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + headerLength);
  // Copy the data section into a fresh, 8-byte-aligned ArrayBuffer so typed views are legal.
  const data = new Uint8Array(bytes.length - dataStart);
  data.set(bytes.subarray(dataStart));
  return JSON.parse(header, (_key, value) => {
    if (value && typeof value === 'object' && typeof value.$typed === 'string') {
      const Ctor = TYPED[value.$typed];
      const end = value.offset + value.length * (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
      if (!Ctor || end > data.length) throw new UserError(`${source} is truncated or corrupt (array at byte ${value.offset})`);
      return new Ctor(data.buffer, value.offset, value.length);
    }
    if (value && typeof value === 'object' && typeof value.$number === 'string') return Number(value.$number);
    return value;
  }) as T;
}

/** Checkpoints saved by this process so far (counts for the fault injection below). */
let saves = 0;

/**
 * Writes the checkpoint atomically. A full disk (ENOSPC, EDQUOT) is a UserError that says so:
 * the temporary file is gone and the previous checkpoint, if any, is untouched and resumable.
 *
 * Fault injection for the kill soak (apps/trainer/soak/kill-resume.mjs):
 * `G2RL_FAULT_KILL_IN_CHECKPOINT=<n>` makes the process SIGKILL itself halfway through writing
 * its n-th checkpoint, leaving a half-written temporary file, as a kill at that moment would.
 */
export function saveCheckpoint(path: string, state: unknown): void {
  const bytes = encodeCheckpoint(state);
  saves++;
  if (Number(process.env.G2RL_FAULT_KILL_IN_CHECKPOINT) === saves) {
    const file = openAtomicFileSync(path);
    file.write(bytes.subarray(0, bytes.length >> 1));
    process.kill(process.pid, 'SIGKILL');
  }
  try {
    writeFileAtomicSync(path, bytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOSPC' && code !== 'EDQUOT') throw error;
    const previous = existsSync(path)
      ? `the previous checkpoint there is intact: free some space and continue with --resume`
      : 'no earlier checkpoint exists: free some space and start again';
    throw new UserError(`${path}: no space left on the device to write the checkpoint (${bytes.length} bytes, ${code}); ${previous}`);
  }
}

export function loadCheckpoint<T = unknown>(path: string): T {
  if (!existsSync(path)) throw new UserError(`no checkpoint at ${path}; nothing to resume (start without --resume)`);
  return decodeCheckpoint<T>(readFileSync(path), path);
}
