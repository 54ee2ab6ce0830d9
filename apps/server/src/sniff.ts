// Which image format a body holds, from its first bytes: we accept JPEG, PNG and WebP
// only, whatever the client's Content-Type says, so sharp never sees anything else
// (it would happily read TIFF, SVG, PDF, … which we do not want to expose).

export type ImageFormat = 'jpeg' | 'png' | 'webp';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The format of `bytes` from its signature, or `undefined` when it is none of ours. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  // RIFF <size:4> WEBP
  if (
    bytes.length >= 12 &&
    bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[3] === 0x46 &&
    bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50
  ) {
    return 'webp';
  }
  return undefined;
}

/** Describes the first bytes of a body for an error message ("starts with 3c 68 74 6d"). */
export function describeStart(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'is empty';
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `starts with bytes ${head}`;
}
