// createServer: the fastify app (routes, auth, limits, problem responses, metrics) in front
// of an InferencePool that owns the worker thread.
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ResourceLimits } from 'node:worker_threads';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import multipart from '@fastify/multipart';
import { nodeDefaultDetector, type DetectorKind } from '@g2rl/face';
import type { ModelCard } from '@g2rl/models/card';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { AnalyzeJob, ImageResult, JobOutcome } from './analysis-types.js';
import { createServerMetrics, type ServerMetrics } from './metrics.js';
import { InferencePool } from './inference-pool.js';
import { buildOpenApi } from './openapi.js';
import { ProblemError, kindOf as kindFromBody, problemBody, type ProblemBody, type ProblemKind } from './problem.js';
import { analysisSchema, analyzeQuerySchema, batchSchema, problemSchema, statusSchema } from './schemas.js';
import { describeStart, sniffImageFormat } from './sniff.js';
import { parseLandmarks } from './landmarks-field.js';
import { planWorkers } from './workers.js';
import { liveRoutes } from './live-route.js';
import { multipartProblem } from './multipart-errors.js';

export interface ServerOptions {
  /** Folder with model.json, its weights and model-card.json. */
  modelDir: string;
  /** Address to bind; default 127.0.0.1 (loopback only). */
  host?: string;
  /** Port; default 8080 (0 = any free port). */
  port?: number;
  /** If set, /v1/* and /metrics need `Authorization: Bearer <token>`. */
  token?: string;
  /** Largest request body in bytes (raw image or each multipart file). Default 10 MiB. */
  bodyLimit?: number;
  /** Largest image in pixels (width·height), checked from the header before decoding. Default 25 M. */
  maxPixels?: number;
  /** Inference worker threads (each loads the detector and the model). Default: planWorkers() (one per core). */
  workers?: number;
  /** Compute threads per worker (the native backend's OpenMP team). Default: the cores shared out among the workers. */
  threads?: number;
  /** Images per worker batch. Default 8. */
  maxBatch?: number;
  /** Milliseconds the first queued image waits for others. Default 5. */
  batchWindowMs?: number;
  /** Images allowed to wait for the worker before 503. Default 64. */
  maxQueue?: number;
  /** Per-image deadline in ms. Default 30 000. */
  timeoutMs?: number;
  /** Face crops per model call. Default 16. */
  maxModelBatch?: number;
  /** Files per batch request. Default 16. */
  maxFiles?: number;
  /** Face detector: 'ssd', 'tiny' or 'blazeface'. Default @g2rl/face's nodeDefaultDetector() (blazeface when installed). */
  detector?: DetectorKind;
  /** Minimum detector score. Default 0.5. */
  minConfidence?: number;
  /**
   * tfjs backend for @g2rl/backend's initBackend. Default 'auto' (env G2RL_BACKEND, else the
   * fastest installed: tfjs-node, then @g2rl/backend-native, then wasm).
   */
  backend?: string;
  /** fastify logger setting. Default false. */
  logger?: boolean | Record<string, unknown>;
  /**
   * Origins allowed to call the API from a browser on another origin (CORS). Default none:
   * no CORS headers are sent and preflights get 404, so browsers refuse cross-origin calls.
   * `'*'` allows any origin.
   */
  corsOrigins?: string[];
  /** @internal Reliability tests: V8 limits of each worker thread. */
  resourceLimits?: ResourceLimits;
  /** @internal Reliability tests: let the pool inject faults into the workers (worker-faults.ts). */
  faults?: boolean;
}

type InternalOptions = 'token' | 'backend' | 'logger' | 'resourceLimits' | 'faults';

export interface G2rlServer {
  app: FastifyInstance;
  pool: InferencePool;
  metrics: ServerMetrics;
  options: Required<Omit<ServerOptions, InternalOptions>> & Pick<ServerOptions, InternalOptions>;
  /** Every route registered (method, URL pattern): what the auth and path audits walk. */
  routes: { method: string; url: string }[];
  /** True once shutdown() began: new requests get 503 shutting-down. */
  readonly draining: boolean;
  /** Binds host:port; resolves with the base URL. */
  listen(): Promise<string>;
  /**
   * Graceful stop: from now on new requests get 503 `shutting-down` (`/healthz` still answers),
   * requests already accepted finish for up to `graceMs` (default the per-image `timeoutMs`),
   * then whatever is left gets 503 and the server and its workers close.
   */
  shutdown(graceMs?: number): Promise<{ waitedMs: number; cut: number }>;
  /** Immediate stop: queued and in-flight images get 503. */
  close(): Promise<void>;
}

const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');
const STATIC_FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8' },
};

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`createServer: options.${name} must be a positive integer, got ${value}`);
  return value;
}

function withDefaults(o: ServerOptions): G2rlServer['options'] {
  return {
    modelDir: resolve(o.modelDir),
    host: o.host ?? '127.0.0.1',
    port: o.port ?? 8080,
    token: o.token || undefined,
    bodyLimit: o.bodyLimit ?? 10 * 1024 * 1024,
    maxPixels: o.maxPixels ?? 25_000_000,
    ...planWorkers({ backend: o.backend ?? process.env.G2RL_BACKEND, workers: o.workers }),
    ...(o.threads !== undefined ? { threads: positiveInteger('threads', o.threads) } : {}),
    maxBatch: o.maxBatch ?? 8,
    batchWindowMs: o.batchWindowMs ?? 5,
    maxQueue: o.maxQueue ?? 64,
    timeoutMs: o.timeoutMs ?? 30_000,
    maxModelBatch: o.maxModelBatch ?? 16,
    maxFiles: o.maxFiles ?? 16,
    detector: o.detector ?? nodeDefaultDetector(),
    minConfidence: o.minConfidence ?? 0.5,
    backend: o.backend,
    logger: o.logger ?? false,
    corsOrigins: o.corsOrigins ?? [],
    resourceLimits: o.resourceLimits,
    faults: o.faults,
  };
}

function sendProblem(reply: FastifyReply, body: ProblemBody, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(body.status).headers(headers).type('application/problem+json').send(body);
}

/** The fastify error (validation, body limit, media type, multipart limits…) as a problem kind. */
function kindOfFastifyError(error: { statusCode?: number; code?: string }): ProblemKind {
  if (error.code === 'FST_FILES_LIMIT') return 'too-many-files';
  switch (error.statusCode) {
    case 400: return 'bad-request';
    case 401: return 'unauthorized';
    case 404: return 'not-found';
    case 405: return 'method-not-allowed';
    case 413: return 'payload-too-large';
    case 415: return 'unsupported-media-type';
    case 503: return 'not-ready';
    default: return 'internal';
  }
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!.trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Builds the server and starts the inference worker (model loading runs in the background; see /readyz). */
export async function createServer(options: ServerOptions): Promise<G2rlServer> {
  const settings = withDefaults(options);
  // Before any worker starts: the native backend's libraries read it from the real environment
  // as the workers load them, and a worker's process.env is only its own copy.
  // (Without the optional package there is nothing to prepare.)
  await import('@g2rl/backend-native/environment').then((m) => m.prepareNativeEnvironment(), () => undefined);
  const metrics = createServerMetrics();
  metrics.ready.set(0);
  const pool = new InferencePool({
    worker: {
      modelDir: settings.modelDir,
      maxPixels: settings.maxPixels,
      maxModelBatch: settings.maxModelBatch,
      detector: settings.detector,
      minConfidence: settings.minConfidence,
      backend: settings.backend,
      threads: settings.threads,
      faults: settings.faults,
    },
    resourceLimits: settings.resourceLimits,
    workers: settings.workers,
    maxBatch: settings.maxBatch,
    batchWindowMs: settings.batchWindowMs,
    maxQueue: settings.maxQueue,
    timeoutMs: settings.timeoutMs,
    metrics,
  });

  const app = Fastify({
    logger: settings.logger,
    bodyLimit: settings.bodyLimit,
    requestTimeout: settings.timeoutMs + 10_000,
    ajv: { customOptions: { coerceTypes: true, useDefaults: true, removeAdditional: false } },
  });
  app.addSchema(problemSchema);
  const routes: G2rlServer['routes'] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  await app.register(multipart, {
    limits: { fileSize: settings.bodyLimit, files: settings.maxFiles, fields: 8, fieldSize: 64 * 1024, parts: settings.maxFiles + 8 },
  });
  // Raw image bodies: any image/* (sniffed later: we trust the bytes, not the header).
  app.addContentTypeParser(/^\s*(image\/[\w.+-]+|application\/octet-stream)\s*(;.*)?$/i, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const statics = Object.fromEntries(Object.entries(STATIC_FILES).map(([route, s]) => [route, { ...s, body: readFileSync(join(PUBLIC_DIR, s.file)) }]));

  // Graceful shutdown: requests accepted before it are counted until they are answered.
  let draining = false;
  const accepted = new WeakSet<FastifyRequest>();
  let inFlight = 0;
  const finished = (request: FastifyRequest): void => {
    if (accepted.delete(request)) inFlight--;
  };
  app.addHook('onRequest', async (request, reply) => {
    if (draining && request.routeOptions.url !== '/healthz') {
      reply.header('connection', 'close');
      throw new ProblemError('shutting-down', 'the server is shutting down and takes no new requests; retry on another instance or after the restart', { 'Retry-After': '2' });
    }
    accepted.add(request);
    inFlight++;
    // 'close' comes when the response is sent and also when the client goes away mid-body
    // (where neither onResponse nor onRequestAbort runs: measured with wrk's final requests).
    reply.raw.once('close', () => finished(request));
  });

  registerCors(app, settings.corsOrigins);

  app.addHook('onRequest', async (request) => {
    if (!settings.token) return;
    // The matched route, not the raw URL, so no spelling of the path slips past the check.
    const route = request.routeOptions.url ?? '';
    if (!(route.startsWith('/v1/') || route === '/metrics')) return;
    if (!tokenMatches(request.headers.authorization, settings.token)) {
      throw new ProblemError('unauthorized', 'send the header "Authorization: Bearer <token>" with the token the server was started with (--token / G2RL_TOKEN)', { 'WWW-Authenticate': 'Bearer realm="g2rl"' });
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    metrics.requestSeconds.observe(reply.elapsedTime / 1000, { route });
  });

  app.setErrorHandler((raw: Error & { statusCode?: number; code?: string; validation?: unknown }, request, reply) => {
    const error = multipartProblem(raw);
    if (error instanceof ProblemError) {
      metrics.errors.inc({ type: error.kind });
      return sendProblem(reply, error.toBody(request.url), error.headers);
    }
    const kind = kindOfFastifyError(error);
    metrics.errors.inc({ type: kind });
    if (kind === 'internal') request.log.error(error);
    const detail = kind === 'internal' ? 'an unexpected error; it has been logged' : error.message;
    return sendProblem(reply, problemBody(kind, detail, request.url));
  });
  app.setNotFoundHandler((request, reply) => {
    metrics.errors.inc({ type: 'not-found' });
    sendProblem(reply, problemBody('not-found', `no route ${request.method} ${request.url.split('?')[0]}; see GET /openapi.json`, request.url));
  });

  const cardOrThrow = (): ModelCard => {
    if (pool.state !== 'ready' || !pool.card) {
      throw new ProblemError('not-ready', pool.state === 'failed' ? `the model could not be loaded: ${pool.failure}` : 'the model is still loading; retry shortly', { 'Retry-After': '2' });
    }
    return pool.card;
  };

  /** Runs one image through the pool; a problem outcome becomes a thrown ProblemError. */
  const analyzeOne = async (bytes: Buffer, query: { aligned: boolean; heatmaps: boolean; maxFaces: number }, landmarks?: number[]): Promise<ImageResult> => {
    cardOrThrow();
    const format = sniffImageFormat(bytes);
    if (!format) throw new ProblemError('unsupported-media-type', `the body is not a JPEG, PNG or WebP image (it ${describeStart(bytes)})`);
    const job: Omit<AnalyzeJob, 'id'> = { bytes, aligned: query.aligned, heatmaps: query.heatmaps, maxFaces: query.maxFaces, landmarks };
    const outcome: JobOutcome = await pool.submit(job);
    if (!outcome.ok) throw new ProblemError(kindFromBody(outcome.problem), outcome.problem.detail);
    return outcome.result;
  };

  app.post('/v1/analyze', {
    schema: {
      querystring: analyzeQuerySchema,
      response: { 200: analysisSchema },
    },
  }, async (request) => {
    const query = request.query as { aligned: boolean; heatmaps: boolean; maxFaces: number };
    if (request.isMultipart()) {
      let bytes: Buffer | undefined;
      let landmarksText: string | undefined;
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          const data = await part.toBuffer();
          bytes ??= data;
        } else if (part.fieldname === 'landmarks') {
          landmarksText = String(part.value);
        }
      }
      if (!bytes) throw new ProblemError('bad-request', 'the multipart body has no file part; send the image as a file field (e.g. curl -F image=@face.jpg)');
      const landmarks = landmarksText === undefined ? undefined : parseLandmarks(landmarksText, cardOrThrow());
      if (landmarks && !query.aligned) throw new ProblemError('bad-request', 'a landmarks field is only used with ?aligned=true (otherwise the server detects faces itself)');
      return analyzeOne(bytes, query, landmarks);
    }
    const body = request.body;
    if (!Buffer.isBuffer(body)) {
      throw new ProblemError('unsupported-media-type', `send the image as the raw body with Content-Type image/jpeg, image/png or image/webp, or as multipart/form-data (got ${request.headers['content-type'] ?? 'no Content-Type'})`);
    }
    return analyzeOne(body, query);
  });

  app.post('/v1/analyze/batch', {
    schema: {
      querystring: analyzeQuerySchema,
      response: { 200: batchSchema },
    },
  }, async (request) => {
    const query = request.query as { aligned: boolean; heatmaps: boolean; maxFaces: number };
    if (!request.isMultipart()) {
      throw new ProblemError('unsupported-media-type', `the batch endpoint takes multipart/form-data with one file field per image (got ${request.headers['content-type'] ?? 'no Content-Type'})`);
    }
    cardOrThrow();
    const files: { filename: string; bytes: Buffer }[] = [];
    for await (const part of request.parts()) {
      if (part.type === 'file') files.push({ filename: part.filename ?? `file${files.length}`, bytes: await part.toBuffer() });
    }
    if (files.length === 0) throw new ProblemError('bad-request', 'the multipart body has no file part; send each image as a file field (curl -F a=@1.jpg -F b=@2.jpg)');
    // Every image is queued at once, so they share worker batches.
    const results = await Promise.all(files.map(async ({ filename, bytes }, index) => {
      try {
        return { index, filename, analysis: await analyzeOne(bytes, query) };
      } catch (error) {
        const problem = error instanceof ProblemError ? error.toBody() : problemBody('internal', (error as Error).message);
        metrics.errors.inc({ type: kindFromBody(problem) });
        return { index, filename, problem: { ...problem, index } };
      }
    }));
    return { results };
  });

  app.get('/v1/model', async () => cardOrThrow());

  app.get('/healthz', { schema: { response: { 200: statusSchema } } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { response: { 200: statusSchema } } }, async () => {
    cardOrThrow();
    return { status: 'ready', backend: pool.backend ?? '', model: settings.modelDir };
  });

  app.get('/metrics', async (_request, reply) => {
    await pool.workerTensors(500);
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render());
  });

  app.get('/openapi.json', async () => buildOpenApi());

  for (const [route, s] of Object.entries(statics)) {
    app.get(route, async (_request, reply) => reply.type(s.type).header('cache-control', 'no-cache').send(s.body));
  }
  await app.register(liveRoutes, { modelDir: settings.modelDir });

  return {
    app,
    pool,
    metrics,
    options: settings,
    routes,
    get draining() {
      return draining;
    },
    async listen() {
      return app.listen({ host: settings.host, port: settings.port });
    },
    async shutdown(graceMs = settings.timeoutMs) {
      draining = true;
      metrics.ready.set(0);
      const started = performance.now();
      while (inFlight > 0 && performance.now() - started < graceMs) await new Promise((r) => setTimeout(r, 20));
      const cut = inFlight;
      const waitedMs = performance.now() - started;
      // The pool first: anything still waiting gets its 503 now, so app.close() need not wait.
      await pool.close();
      await app.close();
      return { waitedMs, cut };
    },
    async close() {
      await pool.close();
      await app.close();
    },
  };
}

/**
 * CORS, off unless `origins` lists some: an allowed Origin gets Access-Control-Allow-Origin on
 * every response and preflights (OPTIONS) are answered; other origins get no CORS headers and
 * a 403 preflight, so browsers refuse their calls.
 */
function registerCors(app: FastifyInstance, origins: readonly string[]): void {
  if (origins.length === 0) return;
  const any = origins.includes('*');
  const allowed = new Set(origins);
  const allows = (origin: string | undefined): origin is string => origin !== undefined && (any || allowed.has(origin));
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    reply.header('vary', 'Origin');
    if (allows(origin)) reply.header('access-control-allow-origin', origin).header('access-control-expose-headers', 'Retry-After, WWW-Authenticate');
  });
  app.options('/*', async (request, reply) => {
    const origin = request.headers.origin;
    if (!allows(origin)) throw new ProblemError('origin-not-allowed', `origin ${JSON.stringify(origin ?? null)} is not in the server's CORS allow-list (--cors-origin)`);
    return reply.code(204)
      .header('access-control-allow-methods', 'GET, POST, OPTIONS')
      .header('access-control-allow-headers', 'Authorization, Content-Type')
      .header('access-control-max-age', '600')
      .send();
  });
}
