// Moving points between the S×S input crop and the H×H heatmap, and the default σ.
//
// Convention (ARCHITECTURE.md): pixel (row i, col j) has its centre at (x = j, y = i).
// Pixel edges therefore sit at −0.5 and S − 0.5, and the two frames are matched edge to
// edge: x_heatmap = (x_image + 0.5)·H/S − 0.5. With S = 256, H = 64 the centre of image
// pixel 1.5 (the middle of the first 4×4 block) lands on heatmap pixel 0.

import { assertPositiveInteger, assertPositiveNumber, toFlatPoints, type PointsInput } from './points.js';

/** docs/method.md §2: σ = 2 heatmap pixels at H = 64, scaled with H. */
export function defaultSigma(height: number): number {
  assertPositiveNumber(height, 'defaultSigma(height)');
  return (2 * height) / 64;
}

function rescale(points: PointsInput, from: number, to: number, where: string): Float32Array {
  const flat = toFlatPoints(points, `${where}(points)`);
  const factor = to / from;
  const out = new Float32Array(flat.length);
  for (let n = 0; n < flat.length; n++) out[n] = (flat[n] + 0.5) * factor - 0.5;
  return out;
}

/**
 * Image-pixel points in an `S×S` crop → heatmap-pixel points in an `H×H` map.
 * @param points N×2 (flat or `[x, y][]`). @returns a new `Float32Array` N×2.
 */
export function imageToHeatmap(points: PointsInput, inputSize: number, heatmapSize: number): Float32Array {
  assertPositiveInteger(inputSize, 'imageToHeatmap(inputSize S)');
  assertPositiveInteger(heatmapSize, 'imageToHeatmap(heatmapSize H)');
  return rescale(points, inputSize, heatmapSize, 'imageToHeatmap');
}

/**
 * Heatmap-pixel points in an `H×H` map → image-pixel points in an `S×S` crop
 * (the inverse of `imageToHeatmap`). @param points N×2. @returns a new `Float32Array` N×2.
 */
export function heatmapToImage(points: PointsInput, heatmapSize: number, inputSize: number): Float32Array {
  assertPositiveInteger(heatmapSize, 'heatmapToImage(heatmapSize H)');
  assertPositiveInteger(inputSize, 'heatmapToImage(inputSize S)');
  return rescale(points, heatmapSize, inputSize, 'heatmapToImage');
}
