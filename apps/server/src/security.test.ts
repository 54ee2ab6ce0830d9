// CORS (off by default, an explicit allow-list), the bearer token on every /v1 route and
// /metrics (walked from the registered routes, so a new route is covered when it is added),
// and no request-supplied value reaching a file path (a source audit plus hostile requests).
import { request } from 'node:http';
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type G2rlServer } from './server.js';
import { SPEC, writeFixedModel } from './test-support.js';

const SRC = dirname(fileURLToPath(import.meta.url));
let modelDir: string;
let open: G2rlServer;
let guarded: G2rlServer;
let openUrl: string;
let guardedUrl: string;

/** GET with the path sent exactly as written. */
function rawGet(base: string, path: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    request({ hostname, port, path, method: 'GET' }, (res) => {
      let text = '';
      res.on('data', (chunk) => { text += String(chunk); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    }).on('error', reject).end();
  });
}

beforeAll(async () => {
  modelDir = mkdtempSync(join(tmpdir(), 'g2rl-security-'));
  await writeFixedModel(modelDir, SPEC);
  open = await createServer({ modelDir, port: 0, workers: 1 });
  guarded = await createServer({ modelDir, port: 0, workers: 1, token: 's3cret', corsOrigins: ['https://app.example', 'http://localhost:5173'] });
  openUrl = await open.listen();
  guardedUrl = await guarded.listen();
  await Promise.all([open.pool.ready, guarded.pool.ready]);
});
afterAll(async () => {
  await Promise.all([open?.close(), guarded?.close()]);
  rmSync(modelDir, { recursive: true, force: true });
});

describe('CORS', () => {
  it('is off by default: no CORS headers, and a preflight finds no route', async () => {
    const response = await fetch(`${openUrl}/v1/model`, { headers: { origin: 'https://evil.example' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${openUrl}/v1/analyze`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(404);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the listed origins', async () => {
    const auth = { authorization: 'Bearer s3cret' };
    const allowed = await fetch(`${guardedUrl}/v1/model`, { headers: { origin: 'https://app.example', ...auth } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('vary')).toMatch(/Origin/);
    const other = await fetch(`${guardedUrl}/v1/model`, { headers: { origin: 'https://app.example.evil', ...auth } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${guardedUrl}/v1/analyze`, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    const refused = await fetch(`${guardedUrl}/v1/analyze`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(refused.status).toBe(403);
    expect((await refused.json()).type).toMatch(/origin-not-allowed$/);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the token', () => {
  it('is required on every registered /v1 route and /metrics, and on nothing else', async () => {
    const protectedRoutes = guarded.routes.filter((r) => (r.url.startsWith('/v1/') || r.url === '/metrics') && r.method !== 'HEAD');
    expect(protectedRoutes.map((r) => `${r.method} ${r.url}`)).toEqual(expect.arrayContaining(['POST /v1/analyze', 'POST /v1/analyze/batch', 'GET /v1/model', 'GET /metrics']));
    for (const { method, url } of protectedRoutes) {
      const path = url.replace(/:(\w+)/g, 'x'); // parametric routes: any value
      for (const authorization of [undefined, 'Bearer wrong', 'Bearer s3cret2', 'Basic czNjcmV0', 's3cret']) {
        const response = await fetch(guardedUrl + path, { method, headers: authorization ? { authorization } : {}, body: method === 'POST' ? 'x' : undefined });
        expect(response.status, `${method} ${url} with ${authorization ?? 'no header'}`).toBe(401);
      }
    }
    for (const path of ['/healthz', '/readyz', '/openapi.json', '/']) expect((await fetch(guardedUrl + path)).status).toBe(200);
    expect((await fetch(`${guardedUrl}/v1/model`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
    // No spelling of a path slips past the route check.
    for (const path of ['/v1//model', '/V1/model', '/v1/model/', '/%76%31/model', '/metrics?x=1', '/./v1/model']) {
      expect([401, 404], path).toContain((await fetch(guardedUrl + path)).status);
    }
  });
});

describe('file paths', () => {
  it('no module but the listed ones touches the file system, each with a path from configuration', () => {
    // Audit (keep in sync when adding a module that reads files): the reason each may.
    const allowed: Record<string, string> = {
      'server.ts': 'reads the three static files named in STATIC_FILES, once, at start',
      'model-folder.ts': 'reads model.json and stats the weight files of the --model folder (manifest paths kept inside it)',
      'model-files.ts': 'checks that the --model folder has model.json and model-card.json',
      'inference-pool.ts': 'finds the compiled worker entry beside the package',
      'cli.ts': 'looks for the default model folder',
      'live-route.ts': 'serves the live page: a request path is only a key into the file list made at start (site files, the model folder as model.json names it)',
      'test-support.ts': 'writes test models (tests only)',
    };
    const sources = readdirSync(SRC).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    const touching = sources.filter((f) => /from 'node:fs(\/promises)?'|from 'fs'|require\('(node:)?fs'\)/.test(readFileSync(join(SRC, f), 'utf8')));
    expect(touching.sort()).toEqual(Object.keys(allowed).filter((f) => sources.includes(f)).sort());
    // Image bytes reach sharp and the analyzer only as buffers (sharp takes a string as a path).
    const server = readFileSync(join(SRC, 'server.ts'), 'utf8');
    expect(server).toMatch(/if \(!Buffer\.isBuffer\(body\)\)/);
    expect(server).toMatch(/await part\.toBuffer\(\)/);
  });

  it('hostile paths, file names and bodies get 4xx and read no file', async () => {
    // Raw request lines (fetch would resolve the dot segments before sending).
    for (const path of ['/../package.json', '/..%2f..%2fpackage.json', '/app.js/../../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/../../../../etc/passwd', '/public/index.html', '/index.html', '/style.css%00.js', '//etc/passwd', '/live/../package.json', '/live/..%2f..%2fpackage.json', '/live/model/..%2fpackage.json', '/live/%2e%2e/%2e%2e/etc/passwd']) {
      const { status, text } = await rawGet(openUrl, path);
      expect(status, path).toBeGreaterThanOrEqual(400);
      expect(status, path).toBeLessThan(500);
      expect(text, path).not.toMatch(/"name": "@g2rl\/server"|root:x:0:0/);
    }
    // A body that is a path, as text or as an "image".
    const asText = await fetch(`${openUrl}/v1/analyze`, { method: 'POST', body: '/etc/passwd', headers: { 'content-type': 'text/plain' } });
    expect(asText.status).toBe(415);
    const asImage = await fetch(`${openUrl}/v1/analyze`, { method: 'POST', body: join(modelDir, 'weights.bin'), headers: { 'content-type': 'image/jpeg' } });
    expect(asImage.status).toBe(415);
    // A multipart file name is only a label in the answer (busboy keeps its last segment).
    const form = new FormData();
    form.append('a', new Blob(['not an image']), '../../../../etc/passwd');
    const batch = await fetch(`${openUrl}/v1/analyze/batch`, { method: 'POST', body: form });
    const { results } = (await batch.json()) as { results: { filename: string; problem: { status: number } }[] };
    expect(results[0]!.filename).toBe('passwd');
    expect(results[0]!.problem.status).toBe(415);
  });
});
