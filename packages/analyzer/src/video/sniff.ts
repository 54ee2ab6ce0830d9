// Is a file a still image or a video? Decided from its first bytes, not its name: a photo
// saved as .mp4 or a clip without an extension still goes the right way.

export type MediaKind = 'image' | 'video' | 'unknown';

/** Brands of ISO base-media files (`ftyp`) that hold still images, not video. */
const IMAGE_BRANDS = new Set(['avif', 'avis', 'heic', 'heix', 'heim', 'heis', 'mif1', 'msf1']);

const ascii = (bytes: Uint8Array, from: number, to: number): string => String.fromCharCode(...bytes.subarray(from, to));

/** The kind of media the first bytes of a file (≥ 12, 16 is plenty) announce. */
export function sniffMediaKind(head: Uint8Array): MediaKind {
  if (head.length < 4) return 'unknown';
  const b = head;
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image'; // JPEG
  if (b[0] === 0x89 && ascii(b, 1, 4) === 'PNG') return 'image';
  if (ascii(b, 0, 3) === 'GIF') return 'image';
  if (ascii(b, 0, 2) === 'BM') return 'image';
  if ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a) || (b[0] === 0x4d && b[1] === 0x4d && b[3] === 0x2a)) return 'image'; // TIFF
  if (ascii(b, 0, 4) === 'RIFF' && head.length >= 12) {
    const form = ascii(b, 8, 12);
    if (form === 'WEBP') return 'image';
    if (form === 'AVI ') return 'video';
  }
  if (head.length >= 12 && ascii(b, 4, 8) === 'ftyp') return IMAGE_BRANDS.has(ascii(b, 8, 12)) ? 'image' : 'video'; // MP4, MOV, 3GP, M4V…
  if (head.length >= 8 && ['moov', 'mdat', 'wide', 'free', 'skip'].includes(ascii(b, 4, 8))) return 'video'; // QuickTime without ftyp
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3) return 'video'; // Matroska, WebM
  if (ascii(b, 0, 4) === 'OggS' || ascii(b, 0, 3) === 'FLV') return 'video';
  if (b[0] === 0x00 && b[1] === 0x00 && b[2] === 0x01 && (b[3] === 0xba || b[3] === 0xb3)) return 'video'; // MPEG-PS, MPEG-1/2 ES
  if (b[0] === 0x47 && (head.length < 189 || head[188] === 0x47)) return 'video'; // MPEG-TS (sync byte every 188)
  if (b[0] === 0x30 && b[1] === 0x26 && b[2] === 0xb2 && b[3] === 0x75) return 'video'; // ASF, WMV
  return 'unknown';
}

/** Extensions that name a video container, used only when the content says nothing. */
/** Still images g2rl-analyze reads (sharp's formats). */
export const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|gif|tiff?|avif|bmp)$/i;

export const VIDEO_EXTENSIONS = /\.(mp4|m4v|mov|avi|mkv|webm|mpe?g|ts|mts|m2ts|wmv|flv|ogv|3gp|y4m)$/i;
