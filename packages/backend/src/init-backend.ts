// Picks the fastest TensorFlow.js backend this machine can run, and says why each faster
// one was skipped. Order: tfjs-node-gpu (CUDA) → tfjs-node → @g2rl/backend-native →
// wasm (with this package's training kernels) → cpu.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerWasmTrainingKernels } from './wasm/register.js';
import { wasmBinaryFolder } from './wasm-paths.js';

/** Backend choices, fastest first. `auto` tries them in this order. */
export const BACKEND_ORDER = ['tensorflow-gpu', 'tensorflow', 'native', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_ORDER)[number];
export type BackendPreference = 'auto' | BackendChoice;

export interface InitBackendOptions {
  /** A backend to use (an error if it cannot load) or 'auto'. Default: env `G2RL_BACKEND`, else 'auto'. */
  prefer?: BackendPreference;
  /** Do not log the choice. */
  quiet?: boolean;
  /**
   * How to import the optional packages, for apps that depend on them: under pnpm's strict
   * layout `@g2rl/backend` cannot see an app's dependencies, so an app passes e.g.
   * `{ native: () => import('@g2rl/backend-native') }`. Without a loader the package is
   * imported from here, then from the working directory.
   */
  loaders?: Partial<Record<'tensorflow-gpu' | 'tensorflow' | 'native', () => Promise<unknown>>>;
}

export interface InitBackendResult {
  /** The choice that loaded (one of BACKEND_ORDER). */
  name: BackendChoice;
  /** The tfjs backend name now active (`tf.getBackend()`), e.g. 'tensorflow' for both tfjs-node builds. */
  tfBackend: string;
  /** Every faster backend that was tried and why it could not be used. */
  skipped: { backend: string; reason: string }[];
}

/** Imports an optional package from here, else from the working directory (apps install it there). */
async function importOptional(name: string): Promise<Record<string, unknown>> {
  try {
    return (await import(name)) as Record<string, unknown>;
  } catch (error) {
    if (!isNotFound(error, name)) throw error;
    let resolved: string;
    try {
      resolved = createRequire(join(process.cwd(), 'package.json')).resolve(name);
    } catch {
      throw new Error(`${name} is not installed`);
    }
    return (await import(pathToFileURL(resolved).href)) as Record<string, unknown>;
  }
}

function isNotFound(error: unknown, name: string): boolean {
  const e = error as { code?: string; message?: string };
  return (
    (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') &&
    (e.message ?? '').includes(name)
  );
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim();
}

/** Sets the tfjs backend; false (with tfjs' own warning silenced) when it fails to initialise. */
async function activate(name: string): Promise<void> {
  const warn = console.warn;
  let warning = '';
  console.warn = (...args: unknown[]) => {
    warning += args.map(String).join(' ') + ' ';
  };
  try {
    const ok = await tf.setBackend(name);
    if (!ok) throw new Error(`tf.setBackend('${name}') failed${warning ? `: ${warning.trim()}` : ''}`);
  } finally {
    console.warn = warn;
  }
}

const PACKAGES = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  native: '@g2rl/backend-native',
} as const;

/** Loads one backend or throws an Error whose message says why it cannot be used. */
async function load(choice: BackendChoice, loaders: InitBackendOptions['loaders'] = {}): Promise<void> {
  const importPackage = async (key: keyof typeof PACKAGES) =>
    ((await loaders[key]?.()) as Record<string, unknown> | undefined) ?? importOptional(PACKAGES[key]);
  switch (choice) {
    case 'tensorflow-gpu':
      await importPackage('tensorflow-gpu');
      return activate('tensorflow');
    case 'tensorflow':
      await importPackage('tensorflow');
      return activate('tensorflow');
    case 'native': {
      const native = await importPackage('native');
      if (typeof native.registerNativeBackend !== 'function') {
        throw new Error('@g2rl/backend-native has no registerNativeBackend() export');
      }
      const registered = await (native.registerNativeBackend as () => unknown)();
      return activate(typeof registered === 'string' ? registered : 'native');
    }
    case 'wasm':
      setWasmPaths(wasmBinaryFolder());
      registerWasmTrainingKernels();
      return activate('wasm');
    case 'cpu':
      return activate('cpu');
  }
}

/** Reads `prefer`, else env G2RL_BACKEND, else 'auto'; throws on an unknown value. */
export function resolvePreference(prefer?: string, env = process.env.G2RL_BACKEND): BackendPreference {
  const [value, source] = prefer != null ? [prefer, 'initBackend({ prefer })'] : [env, 'env G2RL_BACKEND'];
  if (value == null || value === '') return 'auto';
  const allowed = ['auto', ...BACKEND_ORDER];
  if (!allowed.includes(value)) {
    throw new Error(`${source} = '${value}' is not a backend; use one of ${allowed.join(', ')}`);
  }
  return value as BackendPreference;
}

/**
 * Chooses and activates a backend. With a specific `prefer` (or G2RL_BACKEND) only that one
 * is tried, and failing to load it is an error naming it and why.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<InitBackendResult> {
  // tfjs's own notices (the "Hi, looks like you are running TensorFlow.js in Node.js"
  // banner of its cpu backend, platform overrides) go through backend_util.warn, which is
  // silent in PROD mode; PROD changes nothing else in tfjs 4.22. G2RL_TFJS_WARNINGS=1 keeps them.
  if (process.env.G2RL_TFJS_WARNINGS !== '1') tf.env().set('PROD', true);
  const preference = resolvePreference(options.prefer);
  const candidates: readonly BackendChoice[] = preference === 'auto' ? BACKEND_ORDER : [preference];
  const skipped: { backend: string; reason: string }[] = [];
  for (const choice of candidates) {
    try {
      await load(choice, options.loaders);
    } catch (error) {
      if (preference !== 'auto') {
        throw new Error(`@g2rl/backend: the requested backend '${choice}' cannot be used: ${firstLine(error)}`);
      }
      skipped.push({ backend: choice, reason: firstLine(error) });
      continue;
    }
    const result = { name: choice, tfBackend: tf.getBackend(), skipped };
    if (!options.quiet) {
      const why = skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ');
      console.info(`@g2rl/backend: using ${choice}${why ? ` (skipped ${why})` : ''}`);
    }
    return result;
  }
  throw new Error(`@g2rl/backend: no backend could be loaded: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}
