// The live page's settings, from its URL's query string (so a static host needs no config
// file): where the model and face-api's weights are, the backend, the detector and tracking.
import { DEFAULT_MIN_QUALITY } from '../quality.js';
import { DEFAULT_DETECT_EVERY } from '../video/video-analysis.js';

export const LIVE_BACKENDS = ['auto', 'webgl', 'wasm', 'cpu'] as const;
export type LiveBackend = (typeof LIVE_BACKENDS)[number];
export const LIVE_DETECTORS = ['blazeface', 'ssd', 'tiny'] as const;

export interface LiveConfig {
  /** Model folder URL (model.json, weights, model-card.json). Default `model` beside the page. */
  model: string;
  /** face-api's weights (and blazeface.json). Default `face-api` beside the page. */
  faceApi: string;
  /** The folder of tfjs-backend-wasm's .wasm files. Default the page's own folder. */
  wasm: string;
  /** 'auto' = webgl, else wasm (SIMD when the browser has it), else cpu. */
  backend: LiveBackend;
  detector: (typeof LIVE_DETECTORS)[number];
  detectEvery: number;
  /** The quality check's second landmark pass on tracked frames every this many frames (1 = every frame, as g2rl-analyze). */
  shiftCheckEvery: number;
  minQuality: number;
  maxFaces: number;
  /** Seconds shown by the rolling plot. */
  plotSeconds: number;
  /** AUs drawn in the plot at the start (the user can change them). */
  plotAus: number[] | null;
  /** Keep the pixels of the first n frames (window.g2rlLive.keptFrame(i)): to check the page against Node. */
  keepFrames: number;
}

/** The page's default: half the landmark work on most tracked frames (README, "In the browser": the measurement). */
export const LIVE_SHIFT_CHECK_EVERY = 5;

export class LiveConfigError extends Error {}

/** Reads the settings from `?model=…&backend=wasm&detectEvery=10…`; a bad value throws naming the parameter. */
export function parseLiveConfig(search: string): LiveConfig {
  const q = new URLSearchParams(search);
  const choice = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const v = q.get(name);
    if (v === null || v === '') return fallback;
    if (!(allowed as readonly string[]).includes(v)) throw new LiveConfigError(`?${name}=${v}: expected one of ${allowed.join(', ')}`);
    return v as T;
  };
  const number = (name: string, fallback: number, ok: (n: number) => boolean, what: string): number => {
    const v = q.get(name);
    if (v === null || v === '') return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || !ok(n)) throw new LiveConfigError(`?${name}=${v}: expected ${what}`);
    return n;
  };
  const positiveInt = (n: number) => Number.isInteger(n) && n >= 1;
  let plotAus: number[] | null = null;
  const aus = q.get('plotAus');
  if (aus) {
    plotAus = aus.split(',').map((s) => Number(s.trim()));
    if (plotAus.some((n) => !positiveInt(n))) throw new LiveConfigError(`?plotAus=${aus}: expected AU numbers separated by commas, e.g. 6,12`);
  }
  return {
    model: q.get('model') || 'model',
    faceApi: q.get('faceApi') || 'face-api',
    wasm: q.get('wasm') || './',
    backend: choice('backend', LIVE_BACKENDS, 'auto'),
    detector: choice('detector', LIVE_DETECTORS, 'blazeface'),
    detectEvery: number('detectEvery', DEFAULT_DETECT_EVERY, positiveInt, 'an integer ≥ 1'),
    shiftCheckEvery: number('shiftCheckEvery', LIVE_SHIFT_CHECK_EVERY, positiveInt, 'an integer ≥ 1'),
    minQuality: number('minQuality', DEFAULT_MIN_QUALITY, (n) => n >= 0 && n <= 1, 'a number in [0, 1]'),
    maxFaces: number('maxFaces', 4, positiveInt, 'an integer ≥ 1'),
    plotSeconds: number('plotSeconds', 10, (n) => n > 0 && n <= 600, 'seconds in (0, 600]'),
    plotAus,
    keepFrames: number('keepFrames', 0, (n) => Number.isInteger(n) && n >= 0 && n <= 300, 'an integer in [0, 300] (each 640×480 frame holds 0.9 MB)'),
  };
}
