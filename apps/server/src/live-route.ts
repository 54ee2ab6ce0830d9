// GET /live: the live page (webcam or a local video file → AU intensities computed in the
// visitor's browser; no frame is sent here). It is @g2rl/analyzer's static site served from
// where its files are: the built page and the wasm binaries, face-api's weights (and
// BlazeFace's) under /live/face-api/, and this server's model folder under /live/model/
// (model.json, model-card.json and the weights model.json names — nothing else in the folder).
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { siteFiles } from '@g2rl/analyzer/site';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.wasm': 'application/wasm',
};

/** Registers /live, /live/ and /live/<file>; `modelDir` is the folder the server analyses with. */
export async function liveRoutes(app: FastifyInstance, options: { modelDir: string }): Promise<void> {
  // Listed once at start (the folder's weights as model.json names them); read per request,
  // so a model exported again into the same folder is served as it is now.
  let files: Map<string, string>;
  let unavailable: string | null = null;
  try {
    files = new Map(siteFiles(options.modelDir).map((f) => [f.name, f.source]));
  } catch (error) {
    files = new Map();
    unavailable = (error as Error).message;
  }

  const send = async (name: string, reply: import('fastify').FastifyReply) => {
    if (unavailable) return reply.code(503).type('text/plain; charset=utf-8').send(`the live page is unavailable: ${unavailable}`);
    const source = files.get(name);
    if (!source) return reply.callNotFound();
    return reply.type(TYPES[extname(name)] ?? 'application/octet-stream').header('cache-control', 'no-cache').send(await readFile(source));
  };

  // relative URLs in the page (live.js, model/, face-api/) need the trailing slash
  app.get('/live', async (_request, reply) => reply.redirect('/live/', 301));
  app.get('/live/', async (_request, reply) => send('index.html', reply));
  app.get('/live/*', async (request, reply) => send((request.params as { '*': string })['*'], reply));
}
