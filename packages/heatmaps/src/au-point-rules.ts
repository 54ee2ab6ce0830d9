// Where each AU acts, as data: two points per AU, each a weighted combination of iBUG-68
// landmarks plus an offset. The rules for DISFA-66 and BP4D-49 are derived from these.
//
// Offsets are in inter-ocular distances (IOD, the distance between the eye centres) and
// in the face's own frame, so the points follow the face when it turns or scales:
//   x: along the eye axis, from the subject's right eye centre to the left one
//      (image left → right for an upright, unmirrored face);
//   y: perpendicular to it, pointing from the brows towards the chin (image down).
// Weights of a point sum to 1, so the points move with the face when it translates.

import { assertKnownAus } from './au-catalogue.js';
import { landmarkScheme, type LandmarkScheme } from './landmark-schemes.js';
import { MEAN_FACE_IBUG68 } from './mean-face.js';

/** One AU point: `Σ weight·landmark + offset` (offset in IOD, face frame; see above). */
export interface AuPointRule {
  /** `[landmark index, weight]` pairs (iBUG-68 indices in AU_POINT_RULES); weights sum to 1. */
  readonly landmarks: readonly (readonly [number, number])[];
  /** `[along the eye axis, towards the chin]`, in inter-ocular distances. */
  readonly offset: readonly [number, number];
}

/**
 * One AU's two points (heatmap channels `2a` and `2a + 1`).
 * - `'mirror'`: points[0] on the subject's right (image left), points[1] its mirror image
 *   on the subject's left; a horizontal flip swaps the two channels.
 * - `'midline'`: points[0] upper, points[1] lower, both on the face's midline; each is its
 *   own mirror image, so a flip keeps the channels.
 */
export interface AuPointRow {
  readonly au: number;
  readonly pairing: 'mirror' | 'midline';
  readonly points: readonly [AuPointRule, AuPointRule];
}

type Pairs = readonly (readonly [number, number])[];
const point = (landmarks: Pairs, offset: readonly [number, number] = [0, 0]): AuPointRule =>
  Object.freeze({ landmarks: Object.freeze(landmarks.map((pair) => Object.freeze(pair))), offset: Object.freeze(offset) });
// Rows are frozen: the per-scheme rules derived from them are cached.
const row = (au: number, pairing: AuPointRow['pairing'], points: readonly [AuPointRule, AuPointRule]): AuPointRow =>
  Object.freeze({ au, pairing, points: Object.freeze(points) });

/** The rules on the iBUG-68 scheme, one row per AU (FACS order). */
export const AU_POINT_RULES: readonly AuPointRow[] = Object.freeze([
  // Forehead just above the inner brow ends (brow heads 21 / 22).
  row(1, 'mirror', [point([[21, 1]], [0, -0.15]), point([[22, 1]], [0, -0.15])]),
  // Above the outer third of each brow.
  row(2, 'mirror', [point([[17, 0.5], [18, 0.5]], [0, -0.15]), point([[26, 0.5], [25, 0.5]], [0, -0.15])]),
  // Just inside and below the brow heads: the glabella, where the brows gather and furrow.
  row(4, 'mirror', [point([[21, 1]], [0.1, 0.05]), point([[22, 1]], [-0.1, 0.05])]),
  // Just above the middle of the upper lid.
  row(5, 'mirror', [point([[37, 0.5], [38, 0.5]], [0, -0.05]), point([[44, 0.5], [43, 0.5]], [0, -0.05])]),
  // The cheek below each eye (infraorbital), slightly outwards.
  row(6, 'mirror', [point([[40, 0.5], [41, 0.5]], [-0.05, 0.3]), point([[47, 0.5], [46, 0.5]], [0.05, 0.3])]),
  // Just below the middle of the lower lid.
  row(7, 'mirror', [point([[40, 0.5], [41, 0.5]], [0, 0.04]), point([[47, 0.5], [46, 0.5]], [0, 0.04])]),
  // The side of the nose, half way from the bridge to the nostril wing.
  row(9, 'mirror', [point([[28, 0.5], [31, 0.5]]), point([[28, 0.5], [35, 0.5]])]),
  // Between the nostril wing and the upper lip (nasolabial region).
  row(10, 'mirror', [point([[49, 0.5], [31, 0.5]]), point([[53, 0.5], [35, 0.5]])]),
  // The lip corners.
  row(12, 'mirror', [point([[48, 1]]), point([[54, 1]])]),
  // Just outside the lip corners, where the dimple forms.
  row(14, 'mirror', [point([[48, 1]], [-0.1, 0]), point([[54, 1]], [0.1, 0])]),
  // Below the lip corners, where they are pulled down.
  row(15, 'mirror', [point([[48, 1]], [0, 0.12]), point([[54, 1]], [0, 0.12])]),
  // Just below the lateral lower lip.
  row(16, 'mirror', [point([[58, 1]], [0, 0.06]), point([[56, 1]], [0, 0.06])]),
  // The chin boss, half way from the lower lip to the jaw line.
  row(17, 'mirror', [point([[57, 0.5], [7, 0.5]]), point([[57, 0.5], [9, 0.5]])]),
  // Beside the lip corners, outwards and slightly down (risorius / platysma pull).
  row(20, 'mirror', [point([[48, 1]], [-0.2, 0.05]), point([[54, 1]], [0.2, 0.05])]),
  // The lateral halves of the lips.
  row(23, 'mirror', [point([[49, 0.5], [59, 0.5]]), point([[53, 0.5], [55, 0.5]])]),
  // Middle of the upper and of the lower lip (the lips pressed together).
  row(24, 'midline', [point([[51, 0.5], [62, 0.5]]), point([[57, 0.5], [66, 0.5]])]),
  // The inner edges of the upper and lower lip, which separate.
  row(25, 'midline', [point([[62, 1]]), point([[66, 1]])]),
  // On the jaw, inside the jaw line either side of the chin.
  row(26, 'mirror', [point([[6, 0.5], [7, 0.5]], [0.05, -0.1]), point([[10, 0.5], [9, 0.5]], [-0.05, -0.1])]),
  // The middle of each eye opening (the lids that close over it).
  row(43, 'mirror', [
    point([[37, 0.25], [38, 0.25], [40, 0.25], [41, 0.25]]),
    point([[44, 0.25], [43, 0.25], [47, 0.25], [46, 0.25]]),
  ]),
]);

/**
 * For a scheme that lacks an iBUG-68 landmark (BP4D-49 has no jaw, DISFA-66 and BP4D-49
 * have no inner-mouth corners 60 and 64), the rule uses the nearest landmark it has on
 * MEAN_FACE_IBUG68 instead, plus the offset that carries it onto the missing landmark on
 * the mean face (in IOD, face frame). Exact on the mean face, approximate on others
 * (e.g. a jaw drop moves the chin further than the lower lip). Symmetric under flipping.
 */
export const IBUG68_SUBSTITUTES: Readonly<Record<number, number>> = Object.freeze({
  0: 17, 1: 36, 2: 36, 3: 48, 4: 48, 5: 48, 6: 59, 7: 58, 8: 57,
  9: 56, 10: 55, 11: 54, 12: 54, 13: 54, 14: 45, 15: 45, 16: 26,
  60: 48, 64: 54,
});

function meanFaceOffset(from: number, to: number): [number, number] {
  // The mean face is upright and symmetric: its eye axis is the image x axis.
  const face = MEAN_FACE_IBUG68;
  let leftX = 0;
  let rightX = 0;
  for (let i = 0; i < 6; i++) {
    leftX += face[2 * (42 + i)];
    rightX += face[2 * (36 + i)];
  }
  const iod = (leftX - rightX) / 6;
  return [(face[2 * to] - face[2 * from]) / iod, (face[2 * to + 1] - face[2 * from + 1]) / iod];
}

function ruleForScheme(rule: AuPointRule, fromIbug68: ReadonlyMap<number, number>): AuPointRule {
  const weights = new Map<number, number>();
  let offsetX = rule.offset[0];
  let offsetY = rule.offset[1];
  for (const [ibug, weight] of rule.landmarks) {
    let source = ibug;
    if (!fromIbug68.has(ibug)) {
      source = IBUG68_SUBSTITUTES[ibug];
      const [dx, dy] = meanFaceOffset(source, ibug);
      offsetX += weight * dx;
      offsetY += weight * dy;
    }
    const local = fromIbug68.get(source)!;
    weights.set(local, (weights.get(local) ?? 0) + weight);
  }
  return { landmarks: [...weights.entries()], offset: [offsetX, offsetY] };
}

const rulesByScheme = new Map<LandmarkScheme, Map<number, AuPointRow>>();

/** The AU point rows for `scheme`, indices in that scheme (derived from AU_POINT_RULES). */
export function auPointRules(scheme: LandmarkScheme = 'ibug68'): ReadonlyMap<number, AuPointRow> {
  let rows = rulesByScheme.get(scheme);
  if (rows === undefined) {
    const info = landmarkScheme(scheme, 'auPointRules(scheme)');
    const fromIbug68 = new Map(info.toIbug68.map((ibug, i) => [ibug, i]));
    rows = new Map(
      AU_POINT_RULES.map((row) => [
        row.au,
        {
          au: row.au,
          pairing: row.pairing,
          points: [ruleForScheme(row.points[0], fromIbug68), ruleForScheme(row.points[1], fromIbug68)] as const,
        },
      ]),
    );
    rulesByScheme.set(scheme, rows);
  }
  return rows;
}

/**
 * Heatmap channel permutation K for a horizontal flip of the face: channel `k` of the
 * flipped sample is the mirrored channel `perm[k]` of the original (an involution).
 * 'mirror' AUs swap their two channels, 'midline' AUs keep them.
 */
export function auPointFlip(aus: readonly number[]): number[] {
  assertKnownAus(aus, 'auPointFlip(aus)');
  const rows = auPointRules('ibug68');
  const perm: number[] = [];
  aus.forEach((au, a) => {
    if (rows.get(au)!.pairing === 'mirror') perm.push(2 * a + 1, 2 * a);
    else perm.push(2 * a, 2 * a + 1);
  });
  return perm;
}
