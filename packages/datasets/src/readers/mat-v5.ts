import { deflateSync, inflateSync } from 'node:zlib';

/**
 * A numeric array read from a MATLAB Level 5 MAT-file. `data` is column-major (MATLAB's
 * order): element (r, c) of a 2-D array is `data[c·dims[0] + r]`. Complex parts are dropped.
 */
export interface MatArray {
  name: string;
  dims: number[];
  className: string;
  data: Float64Array;
}

// Data types (MAT-File Format, The MathWorks, Table 1-1) and their byte sizes / readers.
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
const NUMERIC_TYPES: Record<number, [number, (v: DataView, o: number, le: boolean) => number]> = {
  1: [1, (v, o) => v.getInt8(o)],
  2: [1, (v, o) => v.getUint8(o)],
  3: [2, (v, o, le) => v.getInt16(o, le)],
  4: [2, (v, o, le) => v.getUint16(o, le)],
  5: [4, (v, o, le) => v.getInt32(o, le)],
  6: [4, (v, o, le) => v.getUint32(o, le)],
  7: [4, (v, o, le) => v.getFloat32(o, le)],
  9: [8, (v, o, le) => v.getFloat64(o, le)],
  12: [8, (v, o, le) => Number(v.getBigInt64(o, le))],
  13: [8, (v, o, le) => Number(v.getBigUint64(o, le))],
};
// Array classes (Table 1-3); only the numeric ones carry data this reader returns.
const CLASS_NAMES: Record<number, string> = {
  1: 'cell', 2: 'struct', 3: 'object', 4: 'char', 5: 'sparse', 6: 'double', 7: 'single',
  8: 'int8', 9: 'uint8', 10: 'int16', 11: 'uint16', 12: 'int32', 13: 'uint32', 14: 'int64', 15: 'uint64',
};

/** A file that is not a readable MAT v5 file; the message starts with the file's name. */
export class MatFileError extends Error {
  override name = 'MatFileError';
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
  }
}

interface Element {
  type: number;
  start: number; // byte offset of the data
  length: number; // bytes of data
  next: number; // offset of the following element (8-byte aligned)
}

/**
 * Largest inflated size of one miCOMPRESSED element (256 MiB): zlib is told the limit, so a
 * small file that inflates to gigabytes (a "zip bomb", or a damaged length) is refused
 * before the memory is taken. A DISFA landmark file inflates to about 1 kB.
 */
export const MAT_MAX_INFLATED_BYTES = 256 * 1024 * 1024;

/** The element whose tag is at `offset`; it must end by `end` (its parent's end or the file's). */
function readElement(view: DataView, offset: number, end: number, le: boolean, where: string): Element {
  if (offset + 8 > end) throw new MatFileError(where, `truncated data element tag at byte ${offset}`);
  const first = view.getUint32(offset, le);
  // Small data element: the byte count lives in the upper 16 bits and the data in the tag's last 4 bytes.
  if (first >>> 16 !== 0) {
    const length = first >>> 16;
    if (length > 4) throw new MatFileError(where, `small data element at byte ${offset} claims ${length} bytes; at most 4 fit in its tag`);
    return { type: first & 0xffff, start: offset + 4, length, next: offset + 8 };
  }
  const length = view.getUint32(offset + 4, le);
  const start = offset + 8;
  if (start + length > end) {
    throw new MatFileError(where, `data element at byte ${offset} claims ${length} bytes but ${end === view.byteLength ? 'the file' : 'its enclosing element'} ends at ${end}`);
  }
  // Compressed elements are not padded; all others are padded to 8 bytes.
  const next = first === MI_COMPRESSED ? start + length : start + Math.ceil(length / 8) * 8;
  return { type: first, start, length, next };
}

function readNumbers(view: DataView, element: Element, le: boolean, where: string, what: string): Float64Array {
  const spec = NUMERIC_TYPES[element.type];
  if (!spec) throw new MatFileError(where, `${what}: unsupported numeric data type ${element.type}`);
  const [size, get] = spec;
  if (element.length % size !== 0) throw new MatFileError(where, `${what}: ${element.length} bytes is not a whole number of ${size}-byte values`);
  const out = new Float64Array(element.length / size);
  for (let i = 0; i < out.length; i++) out[i] = get(view, element.start + i * size, le);
  return out;
}

function readMatrix(view: DataView, element: Element, le: boolean, where: string): MatArray | undefined {
  const end = element.start + element.length;
  let at = element.start;
  const flagsElement = readElement(view, at, end, le, where);
  if (flagsElement.length < 4) throw new MatFileError(where, `array flags at byte ${at} hold ${flagsElement.length} bytes, expected 8`);
  const classId = view.getUint32(flagsElement.start, le) & 0xff;
  at = flagsElement.next;
  const dimsElement = readElement(view, at, end, le, where);
  const dims = Array.from(readNumbers(view, dimsElement, le, where, `dimensions at byte ${at}`));
  if (dims.length < 2 || !dims.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new MatFileError(where, `dimensions at byte ${at} are ${JSON.stringify(dims)}; expected at least 2 integers ≥ 0`);
  }
  at = dimsElement.next;
  const nameElement = readElement(view, at, end, le, where);
  const name = new TextDecoder().decode(new Uint8Array(view.buffer, view.byteOffset + nameElement.start, nameElement.length));
  at = nameElement.next;
  const className = CLASS_NAMES[classId] ?? `class ${classId}`;
  if (classId < 6 || classId > 15) return { name, dims, className, data: new Float64Array(0) };
  const real = readElement(view, at, end, le, where);
  const count = dims.reduce((a, b) => a * b, 1);
  // Checked before reading: dims that claim more values than the bytes hold are refused
  // without allocating for them.
  const size = NUMERIC_TYPES[real.type]?.[0];
  if (size !== undefined && count * size !== real.length) {
    throw new MatFileError(where, `variable ${name} has dims ${dims.join('×')} = ${count} values but stores ${real.length / size}`);
  }
  const data = readNumbers(view, real, le, where, `variable ${name}`);
  return { name, dims, className, data };
}

function inflate(view: DataView, element: Element, where: string): DataView {
  let inflated: Buffer;
  try {
    inflated = inflateSync(new Uint8Array(view.buffer, view.byteOffset + element.start, element.length), { maxOutputLength: MAT_MAX_INFLATED_BYTES });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? `inflates to more than ${MAT_MAX_INFLATED_BYTES} bytes` : `is not valid zlib data (${(error as Error).message})`;
    throw new MatFileError(where, `compressed element at byte ${element.start - 8} ${reason}`);
  }
  return new DataView(inflated.buffer, inflated.byteOffset, inflated.byteLength);
}

function readElements(view: DataView, offset: number, le: boolean, where: string, out: MatArray[], compressed = false): void {
  while (offset + 8 <= view.byteLength) {
    const element = readElement(view, offset, view.byteLength, le, where);
    if (element.type === MI_COMPRESSED) {
      // MATLAB compresses each top-level variable once; a compressed element inside one is damage (and unbounded recursion).
      if (compressed) throw new MatFileError(where, `compressed element inside a compressed element at byte ${offset}`);
      readElements(inflate(view, element, where), 0, le, where, out, true);
    } else if (element.type === MI_MATRIX && element.length > 0) {
      const matrix = readMatrix(view, element, le, where);
      if (matrix) out.push(matrix);
    }
    offset = element.next;
  }
}

/** The 8-byte HDF5 format signature (HDF5 File Format Specification, "Format Signature"). */
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

function hasHdf5SignatureAt(bytes: Uint8Array, offset: number): boolean {
  return offset + 8 <= bytes.length && HDF5_SIGNATURE.every((b, i) => bytes[offset + i] === b);
}

/**
 * Whether `bytes` is HDF5 rather than MAT v5. An HDF5 superblock starts with the full 8-byte
 * signature at offset 0, 512, 1024, 2048, … (the spec's search rule); MATLAB -v7.3 puts a
 * 512-byte user block first whose text header says "MATLAB 7.3". One byte (0x89 at 512) is
 * not evidence: in a v5 file byte 512 is ordinary data, 0x89 in about 1 of 256 files.
 */
export function hdf5Kind(bytes: Uint8Array): 'hdf5' | 'mat-v7.3' | 'mat-v7.3-without-superblock' | undefined {
  if (hasHdf5SignatureAt(bytes, 0)) return 'hdf5';
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 116));
  if (!/^MATLAB 7\.3 MAT-file/.test(text)) return undefined;
  for (let offset = 512; offset + 8 <= bytes.length; offset *= 2) {
    if (hasHdf5SignatureAt(bytes, offset)) return 'mat-v7.3';
  }
  return 'mat-v7.3-without-superblock';
}

/**
 * Reads the top-level variables of a MATLAB Level 5 MAT-file (the format of `save` in
 * MATLAB 5 to 7.2, and the default `-v7`; not HDF5-based `-v7.3`). Numeric variables
 * (double, single, integer classes) come back with their data; others (struct, cell, char)
 * are listed with an empty `data`. Compressed (miCOMPRESSED, zlib) elements are inflated.
 * @param bytes the whole file
 * @param where the file's name, for error messages
 */
export function readMatV5(bytes: Uint8Array, where = 'MAT-file'): MatArray[] {
  if (bytes.length < 128) throw new MatFileError(where, `${bytes.length} bytes is too short for a MAT-file (128-byte header)`);
  const hdf5 = hdf5Kind(bytes);
  if (hdf5 === 'mat-v7.3') throw new MatFileError(where, `this is a MATLAB -v7.3 (HDF5) file; re-save it with save(..., '-v7')`);
  if (hdf5 === 'hdf5') throw new MatFileError(where, `this is an HDF5 file, not a MAT-file (its first 8 bytes are the HDF5 signature)`);
  if (hdf5 === 'mat-v7.3-without-superblock') {
    throw new MatFileError(where, `the header says MATLAB 7.3 (HDF5) but no HDF5 superblock follows at byte 512, 1024, …; the file is damaged or truncated`);
  }
  const endian = String.fromCharCode(bytes[126], bytes[127]);
  if (endian !== 'IM' && endian !== 'MI') {
    throw new MatFileError(where, `not a Level 5 MAT-file (header endian indicator is ${JSON.stringify(endian)}, expected "IM" or "MI")`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: MatArray[] = [];
  readElements(view, 128, endian === 'IM', where, out);
  return out;
}

/** A 2-D MAT array as row-major rows (MATLAB `A(r, c)` → `rows[r][c]`). */
export function matRows(array: MatArray): number[][] {
  if (array.dims.length !== 2) throw new Error(`matRows: variable ${array.name} has ${array.dims.length} dimensions, expected 2`);
  const [rows, cols] = array.dims;
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => array.data[c * rows + r]));
}

/**
 * Writes a Level 5 MAT-file holding double matrices (used for test fixtures and tools):
 * each value of `variables` is row-major rows. `compress` wraps each variable in miCOMPRESSED.
 */
export function writeMatV5(variables: Record<string, number[][]>, compress = false): Buffer {
  const header = Buffer.alloc(128, 0x20);
  header.write('MATLAB 5.0 MAT-file, written by @g2rl/datasets', 0, 'latin1');
  header.writeUInt32LE(0, 116);
  header.writeUInt32LE(0, 120);
  header.writeUInt16LE(0x0100, 124);
  header.write('IM', 126, 'latin1');
  const parts: Buffer[] = [header];
  const pad8 = (b: Buffer) => Buffer.concat([b, Buffer.alloc((8 - (b.length % 8)) % 8)]);
  const element = (type: number, payload: Buffer) => {
    const tag = Buffer.alloc(8);
    tag.writeUInt32LE(type, 0);
    tag.writeUInt32LE(payload.length, 4);
    return pad8(Buffer.concat([tag, payload]));
  };
  for (const [name, rows] of Object.entries(variables)) {
    const r = rows.length;
    const c = r ? rows[0].length : 0;
    const flags = Buffer.alloc(8);
    flags.writeUInt32LE(6, 0); // mxDOUBLE_CLASS
    const dims = Buffer.alloc(8);
    dims.writeInt32LE(r, 0);
    dims.writeInt32LE(c, 4);
    const values = Buffer.alloc(8 * r * c);
    for (let j = 0; j < c; j++) for (let i = 0; i < r; i++) values.writeDoubleLE(rows[i][j], 8 * (j * r + i));
    const body = Buffer.concat([element(6, flags), element(5, dims), element(1, Buffer.from(name, 'latin1')), element(9, values)]);
    const matrix = element(MI_MATRIX, body);
    if (!compress) {
      parts.push(matrix);
      continue;
    }
    const packed = deflateSync(matrix);
    const tag = Buffer.alloc(8);
    tag.writeUInt32LE(MI_COMPRESSED, 0);
    tag.writeUInt32LE(packed.length, 4);
    parts.push(tag, packed);
  }
  return Buffer.concat(parts);
}
