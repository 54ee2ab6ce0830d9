// Image format sniffing: the server's (JPEG/PNG/WebP only, apps/server sniff.ts) and the
// analyzer's image-or-video decision (packages/analyzer video/sniff.ts). Neither may throw;
// each answer is checked against the signature it claims (an independent re-statement of
// the magic numbers), so a sniffer that says "png" for bytes without the PNG signature fails.
import { describeStart, sniffImageFormat } from '../../apps/server/src/sniff.js';
import { sniffMediaKind } from '../../packages/analyzer/src/video/sniff.js';
import { FuzzViolation, type FuzzTarget } from '../harness.js';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));
const ascii = (s: string) => new TextEncoder().encode(s);
const startsWith = (bytes: Uint8Array, prefix: Uint8Array, at = 0) => prefix.every((b, i) => bytes[at + i] === b);

const SEEDS = [
  hex('ffd8ffe000104a464946'), hex('89504e470d0a1a0a0000000d49484452'), ascii('RIFF\x10\x00\x00\x00WEBPVP8 '),
  ascii('RIFF\x10\x00\x00\x00AVI LIST'), ascii('\x00\x00\x00\x18ftypisom\x00\x00\x02\x00'), ascii('\x00\x00\x00\x18ftypheic\x00\x00\x00\x00'),
  hex('1a45dfa3a34286810142f7'), ascii('GIF89a\x01\x00'), ascii('BM6\x00\x00\x00'), hex('49492a0008000000'), ascii('OggS\x00\x02'),
  hex('000001ba44000400'), hex('3026b2758e66cf11'), ascii('<svg xmlns="http://www.w3.org/2000/svg"/>'), ascii('%PDF-1.7'),
];

export const sniffImage: FuzzTarget = {
  name: 'sniff-image',
  about: 'server sniffImageFormat + describeStart',
  seeds: () => SEEDS,
  run(input) {
    const format = sniffImageFormat(input);
    const claims = {
      jpeg: startsWith(input, hex('ffd8ff')),
      png: startsWith(input, hex('89504e470d0a1a0a')),
      webp: startsWith(input, ascii('RIFF')) && startsWith(input, ascii('WEBP'), 8),
    };
    const truth = (Object.keys(claims) as (keyof typeof claims)[]).find((k) => claims[k]);
    if (format !== truth) throw new FuzzViolation(`sniffImageFormat says ${format}, the signature says ${truth}`);
    if (typeof describeStart(input) !== 'string') throw new FuzzViolation('describeStart gave no text');
  },
  expected: () => false,
};

export const sniffMedia: FuzzTarget = {
  name: 'sniff-media',
  about: 'analyzer sniffMediaKind (image / video / unknown)',
  seeds: () => SEEDS,
  run(input) {
    const kind = sniffMediaKind(input);
    if (kind !== 'image' && kind !== 'video' && kind !== 'unknown') throw new FuzzViolation(`kind ${String(kind)}`);
    // Signatures that are images whatever follows them.
    const image = startsWith(input, hex('ffd8ff')) || startsWith(input, ascii('\x89PNG')) || startsWith(input, ascii('GIF')) || startsWith(input, ascii('BM'));
    if (input.length >= 4 && image && kind !== 'image') throw new FuzzViolation(`image signature sniffed as ${kind}`);
    if (input.length < 4 && kind !== 'unknown') throw new FuzzViolation(`${input.length} bytes sniffed as ${kind}`);
  },
  expected: () => false,
};
