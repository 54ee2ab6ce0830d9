#!/usr/bin/env node
// g2rl-serve: serve an exported g2rl model over HTTP. Flags override environment
// variables (G2RL_*), which override defaults. `--help` lists them.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DETECTORS, nodeDefaultDetector, type DetectorKind } from '@g2rl/face';
import { missingModelFiles } from './model-files.js';
import { createServer, type ServerOptions } from './server.js';

const FLAGS = {
  model: { type: 'string', env: 'G2RL_MODEL', help: 'model folder (model.json + model-card.json); default runs/demo/model' },
  host: { type: 'string', env: 'G2RL_HOST', help: 'address to bind (default 127.0.0.1; 0.0.0.0 exposes the server to the network)' },
  port: { type: 'string', env: 'G2RL_PORT', help: 'port (default 8080)' },
  token: { type: 'string', env: 'G2RL_TOKEN', help: 'require "Authorization: Bearer <token>" on /v1/* and /metrics' },
  'cors-origin': { type: 'string', env: 'G2RL_CORS_ORIGIN', help: 'comma-separated origins allowed to call the API from a browser (CORS; default none, * = any)' },
  'body-limit': { type: 'string', env: 'G2RL_BODY_LIMIT', help: 'largest body / file in bytes (default 10485760)' },
  'max-pixels': { type: 'string', env: 'G2RL_MAX_PIXELS', help: 'largest image in pixels (default 25000000)' },
  workers: { type: 'string', env: 'G2RL_WORKERS', help: 'inference worker threads, each with its own detector and model (default: one per core; 1 with tensorflow)' },
  threads: { type: 'string', env: 'G2RL_THREADS', help: "compute threads per worker, native backend (default: cores ÷ workers, at least 1)" },
  'max-batch': { type: 'string', env: 'G2RL_MAX_BATCH', help: 'images per worker batch (default 8)' },
  'batch-window': { type: 'string', env: 'G2RL_BATCH_WINDOW_MS', help: 'ms to wait for a batch to fill (default 5)' },
  'max-queue': { type: 'string', env: 'G2RL_MAX_QUEUE', help: 'images that may wait before 503 (default 64)' },
  timeout: { type: 'string', env: 'G2RL_TIMEOUT_MS', help: 'per-image deadline in ms, and how long SIGTERM lets accepted requests finish (default 30000)' },
  'max-files': { type: 'string', env: 'G2RL_MAX_FILES', help: 'images per batch request (default 16)' },
  detector: { type: 'string', env: 'G2RL_DETECTOR', help: `face detector: ${DETECTORS.join(', ')} (default ${nodeDefaultDetector()}: blazeface when @vladmandic/human is installed, else ssd)` },
  'min-confidence': { type: 'string', env: 'G2RL_MIN_CONFIDENCE', help: 'minimum detector score (default 0.5)' },
  backend: { type: 'string', env: 'G2RL_BACKEND', help: 'tfjs backend: auto (default: native when @g2rl/backend-native is built, else wasm), native, wasm, cpu, tensorflow' },
  quiet: { type: 'boolean', env: 'G2RL_QUIET', help: 'no request log' },
  help: { type: 'boolean', env: '', help: 'this text' },
} as const;

function usage(): string {
  const lines = Object.entries(FLAGS).map(([name, f]) => `  --${name.padEnd(15)} ${f.help}${f.env ? ` [${f.env}]` : ''}`);
  return `usage: g2rl-serve [options]\n\n${lines.join('\n')}\n`;
}

function numberFlag(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name}: expected a non-negative number, got ${JSON.stringify(text)}`);
  return value;
}

/** The default model: runs/demo/model under the working directory, else under the repository root. */
function defaultModelDir(): string {
  const fromCwd = resolve('runs/demo/model');
  if (existsSync(fromCwd)) return fromCwd;
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const fromRepo = join(repoRoot, 'runs', 'demo', 'model');
  return existsSync(fromRepo) ? fromRepo : fromCwd;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: Object.fromEntries(Object.entries(FLAGS).map(([name, f]) => [name, { type: f.type }])) as Record<string, { type: 'string' | 'boolean' }>,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(usage());
    return;
  }
  const get = (name: keyof typeof FLAGS): string | undefined => {
    const v = values[name];
    if (v !== undefined) return String(v);
    const env = FLAGS[name].env;
    return env ? process.env[env] : undefined;
  };
  const modelDir = resolve(get('model') ?? defaultModelDir());
  const missing = missingModelFiles(modelDir);
  if (missing.length > 0) {
    process.stderr.write(
      `g2rl-serve: no model at ${modelDir} (missing ${missing.join(', ')}).\n` +
      'Make one with `pnpm demo` (trains a small model on synthetic faces and writes runs/demo/model),\n' +
      'or pass the folder of an exported model with --model <dir>.\n',
    );
    process.exitCode = 2;
    return;
  }
  const detector = get('detector');
  if (detector !== undefined && !(DETECTORS as readonly string[]).includes(detector)) throw new Error(`--detector: expected one of ${DETECTORS.join(', ')}, got ${JSON.stringify(detector)}`);
  const options: ServerOptions = {
    modelDir,
    host: get('host'),
    port: numberFlag('port', get('port')),
    token: get('token'),
    corsOrigins: get('cors-origin')?.split(',').map((o) => o.trim()).filter((o) => o !== ''),
    bodyLimit: numberFlag('body-limit', get('body-limit')),
    maxPixels: numberFlag('max-pixels', get('max-pixels')),
    workers: numberFlag('workers', get('workers')),
    threads: numberFlag('threads', get('threads')),
    maxBatch: numberFlag('max-batch', get('max-batch')),
    batchWindowMs: numberFlag('batch-window', get('batch-window')),
    maxQueue: numberFlag('max-queue', get('max-queue')),
    timeoutMs: numberFlag('timeout', get('timeout')),
    maxFiles: numberFlag('max-files', get('max-files')),
    detector: detector as DetectorKind | undefined,
    minConfidence: numberFlag('min-confidence', get('min-confidence')),
    backend: get('backend'),
    logger: get('quiet') === 'true' || get('quiet') === '1' ? false : { level: 'info' },
  };
  const server = await createServer(options);
  const url = await server.listen();
  process.stderr.write(`g2rl-serve: listening on ${url} (model ${modelDir}); loading the model and face detector…\n`);
  server.pool.ready.then(
    () => process.stderr.write(`g2rl-serve: ready (tfjs backend ${server.pool.backend}). Open ${url}/ in a browser.\n`),
    (error: Error) => { process.stderr.write(`g2rl-serve: could not load the model: ${error.message}\n`); process.exitCode = 1; void server.close(); },
  );
  // First SIGTERM/SIGINT: drain (new requests 503, accepted ones finish within --timeout), exit 0.
  // A second one: exit at once (143 = 128 + SIGTERM), for an operator who will not wait.
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`g2rl-serve: second ${signal}, exiting now\n`);
      process.exit(143);
    }
    stopping = true;
    process.stderr.write(`g2rl-serve: ${signal}: draining (new requests get 503; up to ${server.options.timeoutMs} ms for the ones in flight; send it again to exit at once)\n`);
    server.shutdown().then(
      ({ waitedMs, cut }) => {
        process.stderr.write(`g2rl-serve: stopped (waited ${Math.round(waitedMs)} ms for the requests in flight${cut ? `; ${cut} still running were answered 503` : ''})\n`);
        process.exit(process.exitCode ?? 0);
      },
      (error: Error) => { process.stderr.write(`g2rl-serve: shutdown failed: ${error.message}\n`); process.exit(1); },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`g2rl-serve: ${error.message}\n`);
  process.exitCode = 1;
});
