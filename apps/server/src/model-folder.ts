// Checks an exported model folder's files before tfjs reads them, so that a broken folder
// fails with the file named: model.json unparsable, a weight file missing, truncated or too
// long for the weights model.json declares, or a manifest path leaving the folder. (tfjs
// itself would report a truncated weights.bin as a tensor of the wrong size, naming no file.)
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';

/** Bytes per value of each tfjs weight dtype (model.json `weightsManifest[].weights[].dtype`). */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2 };

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string };
}

/** Bytes one weight takes in the weight files (quantised weights: their stored dtype). */
function weightBytes(spec: WeightSpec, where: string): number {
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const size = DTYPE_BYTES[dtype];
  if (size === undefined) throw new Error(`${where}: weight "${spec.name}" has dtype ${JSON.stringify(dtype)}; expected one of ${Object.keys(DTYPE_BYTES).join(', ')}`);
  if (!Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${where}: weight "${spec.name}" has shape ${JSON.stringify(spec.shape)}; expected an array of non-negative integers`);
  }
  return spec.shape.reduce((n, d) => n * d, 1) * size;
}

/**
 * Throws, naming the file, unless `dir/model.json` parses, has a weights manifest whose paths
 * stay inside `dir`, and every group's files exist and together hold exactly the bytes its
 * weights need. @returns the weight files checked (absolute paths).
 */
export function checkModelFolder(dir: string): string[] {
  const folder = resolve(dir);
  const jsonPath = join(folder, 'model.json');
  let modelJson: { weightsManifest?: { paths?: unknown; weights?: WeightSpec[] }[] };
  try {
    modelJson = JSON.parse(readFileSync(jsonPath, 'utf8'));
  } catch (error) {
    throw new Error(`${jsonPath}: cannot be read as JSON (${(error as Error).message})`);
  }
  const manifest = modelJson?.weightsManifest;
  if (!Array.isArray(manifest)) throw new Error(`${jsonPath}: field "weightsManifest" must be an array of { paths, weights }, got ${JSON.stringify(manifest)}`);
  const files: string[] = [];
  manifest.forEach((group, g) => {
    const where = `${jsonPath}: weightsManifest[${g}]`;
    if (!Array.isArray(group?.paths) || !group.paths.every((p) => typeof p === 'string') || !Array.isArray(group.weights)) {
      throw new Error(`${where} must be { paths: string[], weights: [...] }`);
    }
    const expected = group.weights.reduce((n, spec) => n + weightBytes(spec, where), 0);
    let actual = 0;
    for (const path of group.paths as string[]) {
      const file = resolve(folder, path);
      const inside = relative(folder, file);
      if (isAbsolute(path) || inside.startsWith('..') || isAbsolute(inside)) throw new Error(`${where}: weight path ${JSON.stringify(path)} leaves the model folder ${folder}`);
      let size: number;
      try {
        size = statSync(file).size;
      } catch (error) {
        throw new Error(`${file}: weight file named in ${jsonPath} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
      actual += size;
      files.push(file);
    }
    if (actual !== expected) {
      const names = (group.paths as string[]).map((p) => join(folder, p)).join(', ');
      const what = actual < expected ? 'truncated' : 'longer than declared';
      throw new Error(`${names}: ${what}: holds ${actual} bytes, but the ${group.weights.length} weights ${jsonPath} declares need ${expected}`);
    }
  });
  return files;
}
