/**
 * The neutral iBUG-68 face the synthetic identities are made from, in canonical face units.
 *
 * Canonical frame: x to the image right, y down, origin on the nose ridge (about point 29),
 * unit ≈ the width of the face between the ears (jaw points 0 and 16 are ≈ 0.89 apart).
 * Index semantics are iBUG's: 0–16 jaw (0 at image left = the subject's right), 17–21
 * the subject's right brow, 22–26 left brow, 27–30 nose ridge, 31–35 nose base, 36–41 right
 * eye (36 outer corner), 42–47 left eye (45 outer corner), 48–59 outer lips (48 right
 * corner), 60–67 inner lips.
 */

/**
 * Mean iBUG-68 shape in [0,1]-ish coordinates: the widely used dlib/OpenFace alignment
 * template (rounded). It is the average of many real faces, so it is slightly asymmetric and
 * has the mouth a little open; `canonicalNeutralShape` mirrors and closes it.
 */
const MEAN_SHAPE_01: readonly number[] = [
  0.0792, 0.3392, 0.0829, 0.457, 0.0968, 0.5756, 0.1221, 0.6919, 0.1687, 0.8003, 0.2398, 0.8957,
  0.3257, 0.9771, 0.4223, 1.0433, 0.5318, 1.0608, 0.6413, 1.0398, 0.7381, 0.9723, 0.8244, 0.8896,
  0.8948, 0.7925, 0.9394, 0.6815, 0.9611, 0.5622, 0.9706, 0.4418, 0.9712, 0.3221,
  0.1638, 0.2492, 0.2178, 0.2043, 0.2913, 0.1924, 0.3675, 0.2036, 0.4393, 0.2331,
  0.5864, 0.2281, 0.6602, 0.1959, 0.7375, 0.1824, 0.8132, 0.1928, 0.8708, 0.2353,
  0.5153, 0.3186, 0.5162, 0.3962, 0.5171, 0.4738, 0.5182, 0.5532,
  0.4337, 0.6041, 0.4755, 0.6208, 0.5207, 0.6343, 0.5659, 0.6188, 0.6071, 0.6016,
  0.2524, 0.3311, 0.2987, 0.3026, 0.3557, 0.303, 0.4037, 0.3387, 0.3525, 0.35, 0.2968, 0.3505,
  0.6313, 0.3341, 0.6791, 0.2965, 0.736, 0.2947, 0.7829, 0.3213, 0.7403, 0.3418, 0.685, 0.3437,
  0.3532, 0.7462, 0.4146, 0.7191, 0.4777, 0.7068, 0.5227, 0.7171, 0.5698, 0.7054, 0.6352, 0.7157,
  0.6995, 0.7394, 0.6394, 0.8052, 0.5764, 0.8354, 0.5254, 0.8417, 0.4764, 0.8375, 0.4138, 0.81,
  0.3801, 0.75, 0.478, 0.7451, 0.5234, 0.7489, 0.5711, 0.7433, 0.6724, 0.7442, 0.5725, 0.7766,
  0.524, 0.7834, 0.4776, 0.7785,
];

/** Number of landmarks in the iBUG-68 scheme. */
export const IBUG68_SIZE = 68;

/**
 * iBUG-68 left↔right mirror permutation: the landmark `MIRROR_IBUG68[i]` is the mirror
 * image of landmark `i` under a horizontal flip.
 */
export const MIRROR_IBUG68: readonly number[] = (() => {
  const m = Array.from({ length: IBUG68_SIZE }, (_, i) => i);
  const pair = (a: number, b: number): void => {
    m[a] = b;
    m[b] = a;
  };
  for (let i = 0; i < 8; i++) pair(i, 16 - i);
  for (let i = 0; i < 5; i++) pair(17 + i, 26 - i);
  pair(31, 35);
  pair(32, 34);
  [[36, 45], [37, 44], [38, 43], [39, 42], [40, 47], [41, 46]].forEach(([a, b]) => pair(a, b));
  [[48, 54], [49, 53], [50, 52], [55, 59], [56, 58]].forEach(([a, b]) => pair(a, b));
  [[60, 64], [61, 63], [65, 67]].forEach(([a, b]) => pair(a, b));
  return m;
})();

/** Where the canonical origin sits in the [0,1] template (on the nose ridge). */
const ORIGIN_01_Y = 0.47;

/**
 * The neutral face of the synthetic data set in canonical units: the mean shape mirrored
 * to perfect symmetry (x about the mean x), with closed lips (inner upper and lower lip
 * points on one line) — an identity's proportions are applied on top by `identityShape`.
 *
 * @returns Float32Array N×2 (N = 68), flat `x0, y0, x1, y1, …`.
 */
export function canonicalNeutralShape(): Float32Array {
  const out = new Float32Array(IBUG68_SIZE * 2);
  for (let i = 0; i < IBUG68_SIZE; i++) {
    const j = MIRROR_IBUG68[i];
    // Average of the point and its mirrored partner: x_i' = ((x_i − c) − (x_j − c)) / 2.
    const x = (MEAN_SHAPE_01[2 * i] - MEAN_SHAPE_01[2 * j]) / 2;
    const y = (MEAN_SHAPE_01[2 * i + 1] + MEAN_SHAPE_01[2 * j + 1]) / 2 - ORIGIN_01_Y;
    out[2 * i] = Math.abs(x) < 1e-9 ? 0 : x;
    out[2 * i + 1] = y;
  }
  // The template's lower lip is that of a slightly open mouth: lift it onto the closed lips.
  for (let i = 55; i <= 59; i++) out[2 * i + 1] -= 0.018;
  // Close the lips: the lip line sits a little below the template's (open-mouth) inner lips.
  const lipLine = out[2 * 62 + 1] + 0.012;
  for (const i of [61, 62, 63, 65, 66, 67]) out[2 * i + 1] = lipLine;
  out[2 * 60 + 1] = lipLine;
  out[2 * 64 + 1] = lipLine;
  for (const [upper, lower] of [[61, 67], [62, 66], [63, 65]]) out[2 * lower] = out[2 * upper];
  return out;
}
