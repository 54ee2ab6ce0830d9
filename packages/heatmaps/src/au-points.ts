// Turns a face's landmarks into its AU points by the rules in au-point-rules.ts.

import { assertKnownAus } from './au-catalogue.js';
import { auPointRules } from './au-point-rules.js';
import { LANDMARK_SCHEMES, schemeLandmarks, type LandmarkScheme } from './landmark-schemes.js';
import type { PointsInput } from './points.js';

/**
 * The AU points of one face.
 *
 * @param landmarks N×2 (flat `x0, y0, …` or `[x, y][]`) in any pixel frame, N of `scheme`.
 * @param aus the AU order (e.g. `DISFA_AUS`); A entries.
 * @param scheme the landmarks' scheme (default `'ibug68'`).
 * @returns `Float32Array` K×2 (K = 2A) in the landmarks' frame: channel `2a` and `2a + 1`
 *   are AU `aus[a]`'s two points (see `AuPointRow` for which is which).
 */
export function auPoints(landmarks: PointsInput, aus: readonly number[], scheme: LandmarkScheme = 'ibug68'): Float32Array {
  const flat = schemeLandmarks(landmarks, scheme, 'auPoints');
  assertKnownAus(aus, 'auPoints(aus)');
  const info = LANDMARK_SCHEMES[scheme];
  // Eye axis u = left eye centre − right eye centre (length = IOD) and its perpendicular
  // v = (−u_y, u_x), which points chin-wards for an upright face (image y grows down).
  // An offset (dx, dy) in IOD units is then simply dx·u + dy·v.
  let ux = 0;
  let uy = 0;
  for (const i of info.leftEye) {
    ux += flat[2 * i];
    uy += flat[2 * i + 1];
  }
  ux /= info.leftEye.length;
  uy /= info.leftEye.length;
  let rx = 0;
  let ry = 0;
  for (const i of info.rightEye) {
    rx += flat[2 * i];
    ry += flat[2 * i + 1];
  }
  ux -= rx / info.rightEye.length;
  uy -= ry / info.rightEye.length;
  const vx = -uy;
  const vy = ux;

  const rows = auPointRules(scheme);
  const points = new Float32Array(aus.length * 4);
  for (let a = 0; a < aus.length; a++) {
    const row = rows.get(aus[a])!;
    for (let p = 0; p < 2; p++) {
      const rule = row.points[p];
      let x = 0;
      let y = 0;
      for (const [index, weight] of rule.landmarks) {
        x += weight * flat[2 * index];
        y += weight * flat[2 * index + 1];
      }
      const [dx, dy] = rule.offset;
      points[4 * a + 2 * p] = x + dx * ux + dy * vx;
      points[4 * a + 2 * p + 1] = y + dx * uy + dy * vy;
    }
  }
  return points;
}
