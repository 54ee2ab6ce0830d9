// The live page as a static folder (Node): the built page (dist/web), face-api's weights
// (and BlazeFace's graph model when @vladmandic/human is installed) in face-api/, and a model
// folder in model/ — everything the page fetches, so any static host serves it offline.
// g2rl-serve's /live serves the same files from where they are (siteFiles).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { blazefaceModelFile, faceApiModelDir } from '@g2rl/face';
import { AnalyzerError } from '../errors.js';

/** The face-api nets the page can load (detectors and the 68-landmark net). */
const FACE_API_NETS = ['ssd_mobilenetv1_model', 'tiny_face_detector_model', 'face_landmark_68_model'];

/** The built page's folder: dist/web beside this module (built), or the package's dist/web (tests run from src/). */
export function webAssetsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [join(here, 'web'), join(here, '..', '..', 'dist', 'web')]) {
    if (existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'live.js'))) return dir;
  }
  throw new AnalyzerError('invalid-option', `the live page is not built (no dist/web beside ${here}); run pnpm --filter @g2rl/analyzer build`);
}

/** One file of the site: its path in the site and where it is read from. */
export interface SiteFile { name: string; source: string }

/** The weight files a tfjs model.json names (its weightsManifest paths), beside it. */
function weightFiles(json: string, where: string): string[] {
  let manifest: { weightsManifest?: { paths?: unknown }[] };
  try {
    manifest = JSON.parse(readFileSync(json, 'utf8')) as typeof manifest;
  } catch (error) {
    throw new AnalyzerError('invalid-model', `${json}: not a readable model.json (${(error as Error).message})`);
  }
  const paths = (manifest.weightsManifest ?? []).flatMap((g) => (Array.isArray(g.paths) ? g.paths : []));
  for (const p of paths) {
    if (typeof p !== 'string' || p.includes('/') || p.includes('\\') || p.startsWith('.')) throw new AnalyzerError('invalid-model', `${json}: field "weightsManifest[].paths" holds ${JSON.stringify(p)}; ${where} serves only files beside model.json`);
  }
  return paths as string[];
}

/** The files of the model folder `dir` that the page loads: model.json, model-card.json and the weights model.json names. */
export function modelSiteFiles(dir: string): SiteFile[] {
  const names = ['model.json', 'model-card.json'];
  for (const name of names) if (!existsSync(join(dir, name))) throw new AnalyzerError('invalid-model', `${dir}: no ${name}; give a folder exported by g2rl-train export`);
  return [...names, ...weightFiles(join(dir, 'model.json'), 'the live page')].map((name) => ({ name, source: join(dir, name) }));
}

/** face-api's manifests and shards for FACE_API_NETS, and blazeface.json + its weights when installed. */
export function faceApiSiteFiles(): SiteFile[] {
  const dir = faceApiModelDir();
  const files: SiteFile[] = [];
  for (const net of FACE_API_NETS) {
    const manifest = `${net}-weights_manifest.json`;
    files.push({ name: manifest, source: join(dir, manifest) });
    const groups = JSON.parse(readFileSync(join(dir, manifest), 'utf8')) as { paths: string[] }[];
    for (const p of groups.flatMap((g) => g.paths)) files.push({ name: p, source: join(dir, p) });
  }
  let blazeface: string | null = null;
  try { blazeface = blazefaceModelFile(); } catch { /* optional: the page then needs ?detector=ssd */ }
  if (blazeface && existsSync(blazeface)) {
    files.push({ name: 'blazeface.json', source: blazeface });
    for (const p of weightFiles(blazeface, 'the live page')) files.push({ name: p, source: join(dirname(blazeface), p) });
  }
  return files;
}

/** Every file of the site, by its path in the site (page files at the top, then face-api/ and model/). */
export function siteFiles(modelDir: string, assetsDir = webAssetsDir()): SiteFile[] {
  const page = ['index.html', 'live.css', 'live.js', 'tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
  return [
    ...page.map((name) => ({ name, source: join(assetsDir, name) })),
    ...faceApiSiteFiles().map((f) => ({ name: `face-api/${f.name}`, source: f.source })),
    ...modelSiteFiles(modelDir).map((f) => ({ name: `model/${f.name}`, source: f.source })),
  ];
}

/**
 * Writes the site into `outDir` (made if missing; an existing site there is replaced): built in
 * a temporary folder beside it and renamed into place, so `outDir` is never half written.
 */
export function writeStaticSite(outDir: string, options: { modelDir: string; assetsDir?: string }): { outDir: string; files: number; bytes: number } {
  const target = resolve(outDir);
  if (existsSync(target) && !statSync(target).isDirectory()) throw new AnalyzerError('invalid-option', `--out ${outDir}: a file is there, not a folder`);
  if (existsSync(target) && !existsSync(join(target, 'live.js')) && readdirSync(target).length > 0) {
    throw new AnalyzerError('invalid-option', `--out ${outDir}: the folder holds other files; give an empty or new folder (or one a previous g2rl-analyze web wrote)`);
  }
  const files = siteFiles(options.modelDir, options.assetsDir);
  for (const f of files) if (!existsSync(f.source)) throw new AnalyzerError('invalid-option', `${f.source}: missing (needed as ${f.name})`);
  const temporary = `${target}.partial-${process.pid}`;
  rmSync(temporary, { recursive: true, force: true });
  let bytes = 0;
  for (const f of files) {
    const to = join(temporary, f.name);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(f.source, to);
    bytes += statSync(to).size;
  }
  const old = `${target}.old-${process.pid}`;
  if (existsSync(target)) renameSync(target, old);
  renameSync(temporary, target);
  rmSync(old, { recursive: true, force: true });
  return { outDir: target, files: files.length, bytes };
}
