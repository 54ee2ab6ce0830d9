// A realistic frontal 68-point face, for tests and as an alignment template.
//
// Derived from the mean shape of the iBUG 300-W training faces that OpenFace publishes for
// its dlib alignment (Amos et al. 2016, Apache-2.0): mirrored and averaged with itself so
// that it is exactly left/right symmetric, then translated and scaled uniformly so that
// x spans [0, 1] (jaw point 0 to jaw point 16) and the highest point (a brow) has y = 0.
// Rounded to 4 decimals. y grows downwards, as in images.

/**
 * The mean iBUG-68 face: `Float32Array` 68×2 (`x0, y0, …`), x ∈ [0, 1], y ∈ [0, 0.98],
 * symmetric about x = 0.5. Its inter-ocular (eye-centre) distance is ≈ 0.43.
 * Scale and translate it to get a template for an `S×S` crop.
 */
export const MEAN_FACE_IBUG68: Float32Array = Float32Array.from([
  // jaw 0–16, from the subject's right ear (image left) over the chin (8) to the left ear
  0.0, 0.1607, 0.0024, 0.2937, 0.0155, 0.4278, 0.0419, 0.5599, 0.093, 0.6828,
  0.1723, 0.7908, 0.2688, 0.8827, 0.3772, 0.9577, 0.5, 0.9792, 0.6228, 0.9577,
  0.7312, 0.8827, 0.8277, 0.7908, 0.907, 0.6828, 0.9581, 0.5599, 0.9845, 0.4278,
  0.9976, 0.2937, 1.0, 0.1607,
  // right brow 17–21 (outer → inner), left brow 22–26 (inner → outer)
  0.1037, 0.0615, 0.1662, 0.0125, 0.2499, 0.0, 0.3359, 0.0139, 0.4175, 0.0485,
  0.5825, 0.0485, 0.6641, 0.0139, 0.7501, 0.0, 0.8338, 0.0125, 0.8963, 0.0615,
  // nose bridge 27–30 (top → tip), nostrils 31–35 (right → left)
  0.5, 0.1472, 0.5, 0.2341, 0.5, 0.3211, 0.5, 0.4101,
  0.4028, 0.4658, 0.4493, 0.4848, 0.5, 0.501, 0.5507, 0.4848, 0.5972, 0.4658,
  // right eye 36–41 (outer corner, upper lid, inner corner, lower lid)
  0.2026, 0.1556, 0.2549, 0.1248, 0.3188, 0.126, 0.3724, 0.1671, 0.3136, 0.1788, 0.2514, 0.178,
  // left eye 42–47 (inner corner, upper lid, outer corner, lower lid)
  0.6276, 0.1671, 0.6812, 0.126, 0.7451, 0.1248, 0.7974, 0.1556, 0.7486, 0.178, 0.6864, 0.1788,
  // outer lips 48–59 (right corner 48, upper lip, left corner 54, lower lip)
  0.3058, 0.6227, 0.3763, 0.5942, 0.4483, 0.5816, 0.5, 0.5939, 0.5517, 0.5816, 0.6237, 0.5942,
  0.6942, 0.6227, 0.6265, 0.6954, 0.5561, 0.7277, 0.5, 0.7336, 0.4439, 0.7277, 0.3735, 0.6954,
  // inner lips 60–67 (right inner corner 60, upper, left inner corner 64, lower)
  0.3361, 0.6275, 0.4478, 0.6243, 0.5, 0.6296, 0.5522, 0.6243, 0.6639, 0.6275,
  0.5532, 0.6617, 0.5, 0.6682, 0.4468, 0.6617,
]);
