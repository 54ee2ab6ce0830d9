// The three landmark schemes, as data, and the two measures every scheme needs: the
// inter-ocular distance and the GCN's input features F⁰ (docs/method.md §3).
//
// iBUG-68 (0-based): jaw 0–16, brows 17–26, nose 27–35, eyes 36–47, outer lips 48–59,
// inner lips 60–67. DISFA's 66 points are iBUG-68 without the inner-mouth corners 60 and
// 64; BP4D's 49 points also lack the 17 jaw points. Both keep iBUG's order otherwise.
//
// Left and right are the SUBJECT's (anatomical, as FACS uses them): the subject's left eye
// is iBUG 42–47, on the image's right in an unmirrored frontal photo.

import { toFlatPoints, type PointsInput } from './points.js';

export type LandmarkScheme = 'ibug68' | 'disfa66' | 'bp4d49';

/** Everything a package needs to know about one landmark scheme (indices 0-based; arrays frozen). */
export interface LandmarkSchemeInfo {
  /** N, the number of landmarks. */
  readonly size: number;
  /** Indices of the subject's left eye contour (image right in a frontal photo). */
  readonly leftEye: number[];
  /** Indices of the subject's right eye contour (image left in a frontal photo). */
  readonly rightEye: number[];
  /**
   * Horizontal-flip permutation (an involution, length N): after mirroring the image,
   * landmark `i` of the mirrored face is the mirror image of landmark `flip[i]`.
   */
  readonly flip: number[];
  /** `toIbug68[i]` is the iBUG-68 index of this scheme's landmark `i` (length N). */
  readonly toIbug68: number[];
}

const IBUG68_FLIP_PAIRS: readonly (readonly [number, number])[] = [
  ...Array.from({ length: 8 }, (_, i) => [i, 16 - i] as const), // jaw
  [17, 26], [18, 25], [19, 24], [20, 23], [21, 22], // brows
  [31, 35], [32, 34], // nostrils
  [36, 45], [37, 44], [38, 43], [39, 42], [40, 47], [41, 46], // eyes
  [48, 54], [49, 53], [50, 52], [55, 59], [56, 58], // outer lips
  [60, 64], [61, 63], [65, 67], // inner lips
];

function ibug68Flip(): number[] {
  const flip = Array.from({ length: 68 }, (_, i) => i);
  for (const [a, b] of IBUG68_FLIP_PAIRS) {
    flip[a] = b;
    flip[b] = a;
  }
  return flip;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Builds a scheme that keeps iBUG-68's landmarks except `dropped`, in iBUG order. */
function subsetOfIbug68(dropped: ReadonlySet<number>): LandmarkSchemeInfo {
  const toIbug68 = range(0, 67).filter((i) => !dropped.has(i));
  const fromIbug68 = new Map(toIbug68.map((ibug, i) => [ibug, i]));
  const flip68 = ibug68Flip();
  const local = (ibugIndices: number[]) => ibugIndices.map((ibug) => fromIbug68.get(ibug)!);
  return Object.freeze({
    size: toIbug68.length,
    leftEye: Object.freeze(local(range(42, 47))) as number[],
    rightEye: Object.freeze(local(range(36, 41))) as number[],
    // The dropped sets are closed under flipping, so every flipped landmark exists.
    flip: Object.freeze(toIbug68.map((ibug) => fromIbug68.get(flip68[ibug])!)) as number[],
    toIbug68: Object.freeze(toIbug68) as number[],
  });
}

/** The schemes by name. iBUG-68 is the default everywhere (synthetic data, face-api). */
export const LANDMARK_SCHEMES: Readonly<Record<LandmarkScheme, LandmarkSchemeInfo>> = Object.freeze({
  ibug68: subsetOfIbug68(new Set()),
  disfa66: subsetOfIbug68(new Set([60, 64])),
  bp4d49: subsetOfIbug68(new Set([...range(0, 16), 60, 64])),
});

/** The scheme's data; throws naming the known schemes for an unknown name. */
export function landmarkScheme(scheme: LandmarkScheme, where = 'landmarkScheme(scheme)'): LandmarkSchemeInfo {
  const info = Object.prototype.hasOwnProperty.call(LANDMARK_SCHEMES, scheme) ? LANDMARK_SCHEMES[scheme] : undefined;
  if (info === undefined) {
    throw new Error(`${where}: unknown landmark scheme ${JSON.stringify(scheme)}; expected one of ${Object.keys(LANDMARK_SCHEMES).join(', ')}`);
  }
  return info;
}

/** Flattens `landmarks` and checks it has the scheme's N points. Returns N×2. */
export function schemeLandmarks(landmarks: PointsInput, scheme: LandmarkScheme, where: string): Float32Array {
  const info = landmarkScheme(scheme, where);
  const flat = toFlatPoints(landmarks, `${where}(landmarks)`);
  if (flat.length !== info.size * 2) {
    throw new Error(
      `${where}(landmarks): scheme '${scheme}' has N = ${info.size} landmarks, so expected N×2 = ${info.size * 2} numbers (or ${info.size} [x, y] pairs), got ${flat.length / 2} points`,
    );
  }
  return flat;
}

/** The two eye centres (mean of each eye contour), `{ left: [x, y], right: [x, y] }`, subject's sides. */
export function eyeCentres(
  landmarks: PointsInput,
  scheme: LandmarkScheme = 'ibug68',
): { left: [number, number]; right: [number, number] } {
  const flat = schemeLandmarks(landmarks, scheme, 'eyeCentres');
  const info = LANDMARK_SCHEMES[scheme];
  return { left: meanOf(flat, info.leftEye), right: meanOf(flat, info.rightEye) };
}

function meanOf(flat: Float32Array, indices: readonly number[]): [number, number] {
  let x = 0;
  let y = 0;
  for (const i of indices) {
    x += flat[2 * i];
    y += flat[2 * i + 1];
  }
  return [x / indices.length, y / indices.length];
}

/** Distance between the two eye centres (same units as the landmarks). */
export function interOcularDistance(landmarks: PointsInput, scheme: LandmarkScheme = 'ibug68'): number {
  const { left, right } = eyeCentres(landmarks, scheme);
  return Math.hypot(left[0] - right[0], left[1] - right[1]);
}

/**
 * The GCN's input features F⁰ (docs/method.md §3): landmarks N×2 minus their mean, divided
 * by the inter-ocular distance. Invariant to translation and scale (not to rotation:
 * align the face first). Returns a new `Float32Array` N×2.
 */
export function geometryFeatures(landmarks: PointsInput, scheme: LandmarkScheme = 'ibug68'): Float32Array {
  const flat = schemeLandmarks(landmarks, scheme, 'geometryFeatures');
  const distance = interOcularDistance(flat, scheme);
  if (!Number.isFinite(distance) || distance <= 0) {
    throw new Error(
      `geometryFeatures(landmarks): the inter-ocular distance is ${distance}; the eye landmarks must be finite and the two eyes distinct`,
    );
  }
  const n = flat.length / 2;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += flat[2 * i];
    meanY += flat[2 * i + 1];
  }
  meanX /= n;
  meanY /= n;
  const features = new Float32Array(flat.length);
  for (let i = 0; i < n; i++) {
    features[2 * i] = (flat[2 * i] - meanX) / distance;
    features[2 * i + 1] = (flat[2 * i + 1] - meanY) / distance;
  }
  return features;
}
