import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { hdf5Kind, MatFileError, matRows, readMatV5, writeMatV5 } from './mat-v5.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures');

// Written by SciPy 1.17 (an independent implementation), no compression and with it:
// savemat(f, {'pts': [[1.5, 2], [3.25, -4], [5, 6.125]], 'single': float32 [[.5, 1.5, 2.5]],
//             'ints': int16 [[7], [-8]], 'label': 'hello', 'info': {'a': 1.0}})
const SCIPY_PLAIN =
  'TUFUTEFCIDUuMCBNQVQtZmlsZSBQbGF0Zm9ybTogcG9zaXgsIENyZWF0ZWQgb246IFN1biBOb3YgMjkgMDk6Mzg6MDAgMjAyNgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABSU0OAAAAYAAAAAYAAAAIAAAABgAAAAAAAAAFAAAACAAAAAMAAAACAAAAAQADAHB0cwAJAAAAMAAAAAAAAAAAAPg/AAAAAAAACkAAAAAAAAAUQAAAAAAAAABAAAAAAAAAEMAAAAAAAIAYQA4AAABIAAAABgAAAAgAAAAHAAAAAAAAAAUAAAAIAAAAAQAAAAMAAAABAAAABgAAAHNpbmdsZQAABwAAAAwAAAAAAAA/AADAPwAAIEAAAAAADgAAADAAAAAGAAAACAAAAAoAAAAAAAAABQAAAAgAAAACAAAAAQAAAAEABABpbnRzAwAEAAcA+P8OAAAAQAAAAAYAAAAIAAAABAAAAAAAAAAFAAAACAAAAAEAAAAFAAAAAQAAAAUAAABsYWJlbAAAABAAAAAFAAAAaGVsbG8AAAAOAAAAeAAAAAYAAAAIAAAAAgAAAAAAAAAFAAAACAAAAAEAAAABAAAAAQAEAGluZm8FAAQAAgAAAAEAAgBhAAAADgAAADgAAAAGAAAACAAAAAYAAAAAAAAABQAAAAgAAAABAAAAAQAAAAEAAAAAAAAACQAAAAgAAAAAAAAAAADwPw==';
const SCIPY_COMPRESSED =
  'TUFUTEFCIDUuMCBNQVQtZmlsZSBQbGF0Zm9ybTogcG9zaXgsIENyZWF0ZWQgb246IFN1biBOb3YgMjkgMDk6Mzg6MDAgMjAyNgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABSU0PAAAAPQAAAHic42NgYEgAYjYg5oDSIMAK5TMDMRMQMwJZBSXFDJxAtgEDDPywh9BcDhBaBEozQGmBA2CqQcIBAOYHBeYPAAAANQAAAHic42NgYPAAYjYg5gBidgYIYIXyGYGYGUqD1BRn5qXnpELU8UCU2jMwHABiBQcQBwB+qwS3DwAAACsAAAB4nONjYGAwAGI2IOYAYi4GCGCF8pmAmBGMWRgy80qKmYE0O8OP/wAomAQvDwAAAC4AAAB4nONjYGBwAGI2IOYAYhYGCGCF8hmhbBidk5iUmgOkBaD8jNScnHwgDQBW6wSjDwAAAD0AAAB4nONjYGCoAGI2IOYAYiYGCGCF8hnhmIUhMy8tnxVIM4H5TAyJQJoPiC2Q9LPh1A8BnFBxCPhgDwASbwRw';

describe('readMatV5', () => {
  for (const [label, base64] of [['plain', SCIPY_PLAIN], ['compressed', SCIPY_COMPRESSED]] as const) {
    it(`reads SciPy's ${label} file: double, single, int16, and lists char/struct`, () => {
      const vars = readMatV5(Buffer.from(base64, 'base64'), 'scipy.mat');
      const byName = Object.fromEntries(vars.map((v) => [v.name, v]));
      expect(byName.pts.dims).toEqual([3, 2]);
      expect(byName.pts.className).toBe('double');
      expect(matRows(byName.pts)).toEqual([[1.5, 2], [3.25, -4], [5, 6.125]]);
      expect(matRows(byName.single)).toEqual([[0.5, 1.5, 2.5]]);
      expect(byName.single.className).toBe('single');
      expect(matRows(byName.ints)).toEqual([[7], [-8]]);
      expect(byName.label.className).toBe('char');
      expect(byName.info.className).toBe('struct');
    });
  }

  it('reads back what writeMatV5 writes, compressed or not', () => {
    const rows = [[1, 2], [3, 4], [5.5, -6]];
    for (const compress of [false, true]) {
      const [pts] = readMatV5(writeMatV5({ pts: rows }, compress));
      expect(pts.name).toBe('pts');
      expect(matRows(pts)).toEqual(rows);
    }
  });

  it('explains files it cannot read', () => {
    expect(() => readMatV5(new Uint8Array(10), 'a.mat')).toThrow(/a\.mat: 10 bytes is too short/);
    expect(() => readMatV5(new Uint8Array(200), 'b.mat')).toThrow(/b\.mat: not a Level 5 MAT-file/);
    const truncated = Buffer.from(SCIPY_PLAIN, 'base64').subarray(0, 200);
    expect(() => readMatV5(truncated, 'c.mat')).toThrow(/c\.mat: data element at byte 128 claims 96 bytes/);
  });

  it('refuses -v7.3 only on the HDF5 signature behind a "MATLAB 7.3" header, or a bare HDF5 file', () => {
    // make-disfa-fixture.py: MATLAB's 512-byte user block, then the 8-byte HDF5 signature
    const v73 = readFileSync(join(fixtures, 'matlab-v73-user-block.mat'));
    expect(hdf5Kind(v73)).toBe('mat-v7.3');
    expect(() => readMatV5(v73, 'v73.mat')).toThrow(/v73\.mat: this is a MATLAB -v7\.3 \(HDF5\) file; re-save it with save\(\.\.\., '-v7'\)/);
    const bare = Buffer.concat([Buffer.from('\x89HDF\r\n\x1a\n', 'latin1'), Buffer.alloc(600)]);
    expect(() => readMatV5(bare, 'bare.h5')).toThrow(/bare\.h5: this is an HDF5 file, not a MAT-file/);
    const cut = v73.subarray(0, 512);
    expect(() => readMatV5(cut, 'cut.mat')).toThrow(/cut\.mat: the header says MATLAB 7\.3 \(HDF5\) but no HDF5 superblock/);
  });

  it('reads a v5 file whose byte 512 is 0x89, or even the whole signature, as v5', () => {
    // SciPy wrote this one (a DISFA landmark file of the fixture); 1 in ~256 files has 0x89 there
    const scipy = readFileSync(join(fixtures, 'disfa-distributed', 'Landmark_Points', 'SN001', 'tmp_frame_lm', 'SN001_0001_lm.mat'));
    expect(scipy[512]).toBe(0x89);
    expect(hdf5Kind(scipy)).toBeUndefined();
    expect(readMatV5(scipy)[0].dims).toEqual([66, 2]);
    // a v5 header ("MATLAB 5.0") decides even if the data happen to hold all 8 signature bytes at 512
    const rows = Array.from({ length: 66 }, (_, i) => [i, i + 0.5]);
    const file = writeMatV5({ pts: rows });
    Buffer.from('\x89HDF\r\n\x1a\n', 'latin1').copy(file, 512);
    expect(hdf5Kind(file)).toBeUndefined();
    expect(readMatV5(file)[0].dims).toEqual([66, 2]);
  });

  // Found by fuzzing (fuzz/targets/mat-v5.ts; the inputs are in fuzz/corpus/mat-v5/): each was a
  // RangeError from inside the reader, now a MatFileError naming the file.
  describe('damaged files found by fuzzing', () => {
    const pts = Array.from({ length: 66 }, (_, i) => [i, 2 * i]);
    const plain = () => writeMatV5({ pts });
    const expectMatError = (bytes: Uint8Array, message: RegExp) => {
      let error: unknown;
      try {
        readMatV5(bytes, 'f.mat');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(MatFileError);
      expect((error as MatFileError).file).toBe('f.mat');
      expect((error as Error).message).toMatch(message);
    };

    it('a small data element claiming more than the 4 bytes its tag holds', () => {
      const file = plain();
      // the tag of the name element (128 + matrix tag 8 + flags 16 + dims 16) made a small-element tag of 256 bytes
      file.writeUInt32LE((256 << 16) | 1, 168);
      expectMatError(file, /f\.mat: small data element at byte 168 claims 256 bytes; at most 4 fit in its tag/);
    });

    it('a data element whose byte count is not a whole number of values', () => {
      const file = plain();
      file.writeUInt32LE(8 * 132 - 3, 188); // the doubles' byte count (their tag is at 184)
      expectMatError(file, /variable pts has dims 66×2 = 132 values but stores/);
    });

    it('dimensions claiming 4 G values are refused before anything is allocated for them', () => {
      const file = plain();
      file.writeInt32LE(0x7fffffff, 160); // rows
      expectMatError(file, /variable pts has dims 2147483647×2 = 4294967294 values but stores 132/);
      file.writeInt32LE(-1, 160);
      expectMatError(file, /dimensions at byte 152 are \[-1,2\]/);
    });

    it('an element running past the end of its matrix, bad zlib data, and compression inside compression', () => {
      const file = plain();
      file.writeUInt32LE(1000, 132); // the matrix claims fewer bytes than its parts
      expect(() => readMatV5(file, 'f.mat')).toThrow(MatFileError);
      const header = plain().subarray(0, 128);
      const tag = (type: number, length: number) => { const t = Buffer.alloc(8); t.writeUInt32LE(type, 0); t.writeUInt32LE(length, 4); return t; };
      expectMatError(Buffer.concat([header, tag(15, 16), Buffer.alloc(16, 7)]), /compressed element at byte 128 is not valid zlib data/);
      const inner = deflateSync(plain().subarray(128));
      const nested = deflateSync(Buffer.concat([tag(15, inner.length), inner]));
      expectMatError(Buffer.concat([header, tag(15, nested.length), nested]), /compressed element inside a compressed element/);
    });
  });
});
