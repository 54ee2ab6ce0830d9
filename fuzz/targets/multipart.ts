// The server's multipart handling (@fastify/multipart under POST /v1/analyze and
// /v1/analyze/batch), driven in process through fastify's `inject` with a model whose output
// is fixed (apps/server test-support). An input is "Content-Type value\r\n\r\nbody", so the
// boundary parameter is fuzzed as well as the parts. Allowed: 200, a 4xx problem body, or 503;
// never a 500, no answer, or a body that is not JSON.
import sharp from 'sharp';
import { MEAN_FACE_IBUG68 } from '../../packages/heatmaps/src/index.js';
import { createServer, type G2rlServer } from '../../apps/server/src/server.js';
import { SPEC, writeFixedModel } from '../../apps/server/src/test-support.js';
import { FuzzViolation, type FuzzTarget } from '../harness.js';
import { scratchDir } from './temp-dir.js';

const BOUNDARY = 'g2rlFuzzBoundary7MA4YWxkTrZu0gW';
let server: G2rlServer | undefined;
let scratch: ReturnType<typeof scratchDir> | undefined;

const encoder = new TextEncoder();
const concat = (parts: (string | Uint8Array)[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

function body(parts: { name: string; filename?: string; type?: string; data: string | Uint8Array }[]): Buffer {
  const chunks: (string | Uint8Array)[] = [];
  for (const p of parts) {
    chunks.push(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}\r\n`);
    if (p.type) chunks.push(`Content-Type: ${p.type}\r\n`);
    chunks.push('\r\n', p.data, '\r\n');
  }
  chunks.push(`--${BOUNDARY}--\r\n`);
  return concat([`multipart/form-data; boundary=${BOUNDARY}\r\n\r\n`, ...chunks]);
}

function split(input: Uint8Array): { contentType: string; payload: Buffer } {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0 || end > 2048) return { contentType: `multipart/form-data; boundary=${BOUNDARY}`, payload: bytes };
  // Header values are latin1 and may not hold control characters: fastify's inject refuses them itself.
  const contentType = bytes.subarray(0, end).toString('latin1').replace(/[^\t\x20-\x7e\x80-\xff]/g, '');
  return { contentType, payload: bytes.subarray(end + 4) };
}

export const multipart: FuzzTarget = {
  name: 'multipart',
  about: 'POST /v1/analyze and /v1/analyze/batch with fuzzed multipart bodies (fastify inject)',
  timeoutMs: 20_000,
  async setup() {
    scratch = scratchDir('multipart');
    await writeFixedModel(scratch.dir, SPEC);
    server = await createServer({ modelDir: scratch.dir, workers: 1, bodyLimit: 256 * 1024, maxFiles: 4, maxPixels: 1_000_000, logger: process.env.FUZZ_SERVER_LOG ? { level: 'error' } : false });
    await server.pool.ready;
  },
  async teardown() {
    await server?.close();
    scratch?.remove();
  },
  async seeds() {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#c08060' } }).png().toBuffer();
    const jpeg = await sharp(png).jpeg().toBuffer();
    const landmarks = JSON.stringify(Array.from({ length: 68 }, (_, i) => [MEAN_FACE_IBUG68[2 * i] * 64, MEAN_FACE_IBUG68[2 * i + 1] * 64]));
    return [
      body([{ name: 'image', filename: 'face.png', type: 'image/png', data: png }, { name: 'landmarks', data: landmarks }]),
      body([{ name: 'a', filename: '1.jpg', type: 'image/jpeg', data: jpeg }, { name: 'b', filename: '2.png', type: 'image/png', data: png }]),
      body([{ name: 'landmarks', data: '[[1,2]]' }, { name: 'note', data: 'x'.repeat(100) }]),
      body([{ name: 'image', filename: '../../etc/passwd', type: 'text/plain', data: encoder.encode('not an image') }]),
    ].map((b) => new Uint8Array(b));
  },
  dictionary: [`--${BOUNDARY}`, `--${BOUNDARY}--`, '\r\n', '\r\n\r\n', 'Content-Disposition: form-data; name="image"; filename="a.png"', 'name="landmarks"',
    'Content-Type: image/png', 'filename*=UTF-8\'\'%e2%82%ac', '; boundary=', 'multipart/mixed', '"', 'charset=utf-16'],
  async run(input) {
    const { contentType, payload } = split(input);
    for (const url of ['/v1/analyze?aligned=true', '/v1/analyze/batch?aligned=true']) {
      let response;
      try {
        response = await server!.app.inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload });
      } catch (error) {
        // inject itself refusing a header value it cannot send is not the server's doing
        if ((error as NodeJS.ErrnoException).code === 'ERR_INVALID_CHAR' || (error as NodeJS.ErrnoException).code === 'ERR_HTTP_INVALID_HEADER_VALUE') return;
        throw error;
      }
      const status = response.statusCode;
      if (!(status === 200 || (status >= 400 && status < 500) || status === 503)) throw new FuzzViolation(`${url}: status ${status}: ${response.body.slice(0, 300)}`);
      try {
        JSON.parse(response.body);
      } catch {
        throw new FuzzViolation(`${url}: status ${status} with a body that is not JSON: ${response.body.slice(0, 200)}`);
      }
    }
  },
  expected: () => false,
};
