/**
 * What each Action Unit does to the landmarks (FACS, geometry only; the appearance —
 * wrinkles, folds, teeth — is drawn in `face-svg.ts`).
 *
 * Every AU moves a fixed set of landmarks by a fixed displacement times `intensity / 5`,
 * so the geometric effect is exactly linear in intensity (learnable, and testable); the AUs
 * add up, and two anatomical limits are applied afterwards (lids and lips cannot cross).
 */
import { IBUG68_SIZE, MIRROR_IBUG68 } from './mean-shape.js';

/** The 12 DISFA AUs the synthetic data set codes, in manifest order (= `DISFA_AUS`). */
export const SYNTHETIC_AUS: readonly number[] = [1, 2, 4, 5, 6, 9, 12, 15, 17, 20, 25, 26];

/**
 * Displacement at intensity 5, in canonical face units (face width ≈ 0.89; y down).
 * Listed for the subject's right side (image left) and the midline; `mirrored` copies a
 * right-side move to the left side with dx negated. dx > 0 is toward the image right,
 * so "medial" on the subject's right side is dx > 0 and "outward" is dx < 0.
 */
interface Move {
  points: number[];
  dx: number;
  dy: number;
}

const AU_MOVES: Record<number, Move[]> = {
  // Inner brow raiser: the inner ends of the brows go up most.
  1: [
    { points: [21], dx: 0, dy: -0.0845 },
    { points: [20], dx: 0, dy: -0.0585 },
    { points: [19], dx: 0, dy: -0.0325 },
    { points: [18], dx: 0, dy: -0.013 },
  ],
  // Outer brow raiser: the outer brows go up.
  2: [
    { points: [17, 18], dx: 0, dy: -0.078 },
    { points: [19], dx: 0, dy: -0.052 },
    { points: [20], dx: 0, dy: -0.0195 },
  ],
  // Brow lowerer: brows down and drawn together; the upper lids follow a little.
  4: [
    { points: [21], dx: 0.0416, dy: 0.0546 },
    { points: [20], dx: 0.0286, dy: 0.0468 },
    { points: [19], dx: 0.0156, dy: 0.0338 },
    { points: [18], dx: 0.0052, dy: 0.0208 },
    { points: [17], dx: 0, dy: 0.0104 },
    { points: [37, 38], dx: 0, dy: 0.0078 },
  ],
  // Upper lid raiser: the eye widens upward.
  5: [
    { points: [37, 38], dx: 0, dy: -0.036 },
    { points: [36, 39], dx: 0, dy: -0.0036 },
  ],
  // Cheek raiser: cheeks up, the lower lid pushed up (eye narrowed from below).
  6: [
    { points: [40, 41], dx: 0, dy: -0.0221 },
    { points: [36], dx: 0, dy: -0.0065 },
    { points: [1], dx: 0, dy: -0.0156 },
    { points: [2], dx: 0, dy: -0.0104 },
  ],
  // Nose wrinkler: nose wings and upper lip up, inner brows slightly down, eyes narrowed.
  9: [
    { points: [31], dx: -0.0104, dy: -0.039 },
    { points: [32], dx: 0, dy: -0.0325 },
    { points: [33], dx: 0, dy: -0.0234 },
    { points: [30], dx: 0, dy: -0.013 },
    { points: [50, 51], dx: 0, dy: -0.0286 },
    { points: [49], dx: 0, dy: -0.0234 },
    { points: [61, 62], dx: 0, dy: -0.0234 },
    { points: [48, 60], dx: 0, dy: -0.0078 },
    { points: [21], dx: 0, dy: 0.0195 },
    { points: [20], dx: 0, dy: 0.0104 },
    { points: [40, 41], dx: 0, dy: -0.0065 },
  ],
  // Lip corner puller: corners up and out; the cheeks follow.
  12: [
    { points: [48, 60], dx: -0.052, dy: -0.065 },
    { points: [49], dx: -0.0195, dy: -0.026 },
    { points: [59], dx: -0.026, dy: -0.039 },
    { points: [67], dx: -0.013, dy: -0.0208 },
    { points: [61], dx: -0.0104, dy: -0.013 },
    { points: [2], dx: 0, dy: -0.0104 },
    { points: [40, 41], dx: 0, dy: -0.0052 },
  ],
  // Lip corner depressor: corners down (and a little in).
  15: [
    { points: [48, 60], dx: 0.0104, dy: 0.0585 },
    { points: [59], dx: 0, dy: 0.026 },
    { points: [49], dx: 0, dy: 0.0195 },
    { points: [61, 67], dx: 0, dy: 0.0156 },
  ],
  // Chin raiser: chin boss and lower lip pushed up.
  17: [
    { points: [7, 8], dx: 0, dy: -0.039 },
    { points: [6], dx: 0, dy: -0.0234 },
    { points: [56, 57], dx: 0, dy: -0.039 },
    { points: [55], dx: 0, dy: -0.026 },
    { points: [66, 67], dx: 0, dy: -0.0195 },
    { points: [50, 51, 61, 62], dx: 0, dy: -0.0104 },
    { points: [48], dx: 0, dy: 0.0104 },
  ],
  // Lip stretcher: corners pulled outward (and slightly down); lips thinned.
  20: [
    { points: [48, 60], dx: -0.075, dy: 0.01 },
    { points: [49, 59], dx: -0.0375, dy: 0 },
    { points: [61, 67], dx: -0.025, dy: 0 },
    { points: [50, 51], dx: 0, dy: 0.01 },
    { points: [56, 57], dx: 0, dy: -0.01 },
  ],
  // Lips part: the lower lip separates from the upper.
  25: [
    { points: [66], dx: 0, dy: 0.0455 },
    { points: [65], dx: 0, dy: 0.039 },
    { points: [56, 57], dx: 0, dy: 0.039 },
    { points: [55], dx: 0, dy: 0.026 },
    { points: [61, 62], dx: 0, dy: -0.0078 },
  ],
  // Jaw drop: the chin and jaw go down, the lower lip with them; the mouth rounds.
  26: [
    { points: [8, 7], dx: 0, dy: 0.13 },
    { points: [6], dx: 0, dy: 0.1 },
    { points: [5], dx: 0, dy: 0.07 },
    { points: [4], dx: 0, dy: 0.04 },
    { points: [3], dx: 0, dy: 0.015 },
    { points: [57, 56], dx: 0, dy: 0.1 },
    { points: [55], dx: 0, dy: 0.07 },
    { points: [66, 65], dx: 0, dy: 0.095 },
    { points: [48, 60], dx: 0.01, dy: 0.02 },
  ],
};

/** Displacement table at intensity 5: Float32Array N×2 per AU (both sides filled in). */
const AU_FIELDS: Record<number, Float32Array> = Object.fromEntries(
  SYNTHETIC_AUS.map((au) => {
    const field = new Float32Array(IBUG68_SIZE * 2);
    for (const move of AU_MOVES[au]) {
      for (const i of move.points) {
        const j = MIRROR_IBUG68[i];
        field[2 * i] = move.dx;
        field[2 * i + 1] = move.dy;
        // The mirror partner moves the same way, mirrored (a midline point is its own partner).
        field[2 * j] = j === i ? 0 : -move.dx;
        field[2 * j + 1] = move.dy;
      }
    }
    return [au, field];
  }),
);

/** The displacement of every landmark at intensity 5 of `au`: Float32Array N×2 (a copy). */
export function actionUnitField(au: number): Float32Array {
  const field = AU_FIELDS[au];
  if (!field) throw new Error(`actionUnitField: AU ${au} is not synthesised; use one of ${SYNTHETIC_AUS.join(', ')}`);
  return field.slice();
}

const LID_PAIRS = [[37, 41], [38, 40], [43, 47], [44, 46]];
const LIP_PAIRS = [[61, 67], [62, 66], [63, 65]];
const MIN_LID_GAP = 0.004;

/**
 * Landmarks of a face showing the given AU intensities.
 *
 * @param neutral Float32Array N×2 (N = 68), canonical units (`identityShape`).
 * @param intensities length A = 12, in `SYNTHETIC_AUS` order, each in [0, 5] (continuous).
 * @returns Float32Array N×2: neutral + Σ_au field_au · intensity_au / 5, then the upper lid
 *   kept above the lower lid and the lower inner lip kept at or below the upper one.
 */
export function applyActionUnits(neutral: Float32Array, intensities: ArrayLike<number>): Float32Array {
  if (neutral.length !== IBUG68_SIZE * 2) {
    throw new Error(`applyActionUnits: neutral must hold ${IBUG68_SIZE * 2} numbers (68×2), got ${neutral.length}`);
  }
  if (intensities.length !== SYNTHETIC_AUS.length) {
    throw new Error(`applyActionUnits: intensities must have ${SYNTHETIC_AUS.length} values (AUs ${SYNTHETIC_AUS.join(',')}), got ${intensities.length}`);
  }
  const out = neutral.slice();
  for (let a = 0; a < SYNTHETIC_AUS.length; a++) {
    const value = intensities[a];
    if (!(value >= 0 && value <= 5)) {
      throw new Error(`applyActionUnits: intensity of AU${SYNTHETIC_AUS[a]} (index ${a}) must be in [0, 5], got ${value}`);
    }
    if (value === 0) continue;
    const field = AU_FIELDS[SYNTHETIC_AUS[a]];
    const t = value / 5;
    for (let k = 0; k < out.length; k++) out[k] += field[k] * t;
  }
  for (const [upper, lower] of LID_PAIRS) {
    if (out[2 * lower + 1] < out[2 * upper + 1] + MIN_LID_GAP) out[2 * lower + 1] = out[2 * upper + 1] + MIN_LID_GAP;
  }
  for (const [upper, lower] of LIP_PAIRS) {
    // A lower lip pushed above the upper one (AU17) presses the upper lip up with it.
    if (out[2 * lower + 1] < out[2 * upper + 1]) out[2 * upper + 1] = out[2 * lower + 1];
  }
  return out;
}
