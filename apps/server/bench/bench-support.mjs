// Shared by the server benches and the soak run: the model to serve, the CLI started and
// stopped, wrk's report parsed, quantiles and /metrics values.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackbone, exportInferenceModel } from '@g2rl/models';
import { DISFA_AUS } from '@g2rl/heatmaps';
import { ALIGNMENT_TEMPLATE } from '@g2rl/face';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * runs/demo/model when `pnpm demo` has made one, else an untrained 'small' backbone exported
 * to a temporary folder (same shapes and cost as a trained one).
 */
export async function modelFolder() {
  const demo = resolve(here, '..', '..', '..', 'runs', 'demo', 'model');
  if (existsSync(join(demo, 'model.json'))) return { dir: demo, temporary: false, what: 'runs/demo/model' };
  const dir = mkdtempSync(join(tmpdir(), 'g2rl-bench-model-'));
  const backbone = createBackbone('small', { keypoints: 2 * DISFA_AUS.length });
  const [, S] = backbone.inputs[0].shape;
  const [, H] = backbone.outputs[backbone.outputs.length - 1].shape;
  await exportInferenceModel(backbone, dir, {
    preset: 'small', aus: DISFA_AUS, scheme: 'ibug68',
    input: { size: S, range: [0, 1] }, heatmap: { size: H, sigma: (2 * H) / 64, normalization: 'peak' },
    alignment: { template: ALIGNMENT_TEMPLATE, size: S },
  });
  backbone.dispose();
  return { dir, temporary: true, what: `untrained 'small' backbone (${S}×${S} → ${H}×${H}×${2 * DISFA_AUS.length})` };
}

/** wrk's text report → the same fields (latency percentiles in ms). */
export function parseWrk(text, seconds) {
  const ms = (label) => {
    const m = new RegExp(`^\\s*${label}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(text);
    if (!m) return NaN;
    return Number(m[1]) * { us: 1e-3, ms: 1, s: 1000 }[m[2]];
  };
  const total = Number(/(\d+) requests in/.exec(text)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(text)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const errors = socket ? socket.slice(1).reduce((a, v) => a + Number(v), 0) : 0;
  return { rps: total / seconds, ok: total - non2xx, non2xx, errors, p50: ms(50), p75: ms(75), p90: ms(90), p99: ms(99) };
}


/**
 * Starts the real CLI (dist/cli.js) on a free loopback port with `args` (and `env`); resolves
 * once it is ready, with its URL, the child process and a promise of its exit code.
 */
export async function startServe(args = [], { readyMs = 120_000, env = process.env } = {}) {
  const cli = join(here, '..', 'dist', 'cli.js');
  const child = spawn(process.execPath, [cli, '--port', '0', '--quiet', ...args], { stdio: ['ignore', 'inherit', 'pipe'], env });
  let text = '';
  const exited = new Promise((res) => child.on('exit', (code, signal) => res(code ?? signal)));
  const url = await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`g2rl-serve not ready after ${readyMs} ms:\n${text}`)), readyMs);
    child.stderr.on('data', (chunk) => {
      text += String(chunk);
      process.stderr.write(chunk);
      const url = /listening on (http:\/\/\S+)/.exec(text)?.[1];
      if (url && /: ready \(/.test(text)) { clearTimeout(timer); res(url); }
    });
    exited.then((code) => { clearTimeout(timer); rej(new Error(`g2rl-serve exited (${code}) before it was ready:\n${text}`)); });
  });
  return { url, child, exited };
}

/** Sends SIGTERM and waits for the exit code (the graceful path). */
export async function stopServe(serve) {
  serve.child.kill('SIGTERM');
  return serve.exited;
}

/** The `q`-quantile (0–1) of `values` (nearest rank). */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Reads one gauge or counter (no labels) from Prometheus text. */
export function metricValue(text, name) {
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

/**
 * Resident bytes of process `pid` by kind, from /proc/<pid>/smaps (Linux; NaN elsewhere):
 * anonymous memory in all, of which the main malloc heap (`[heap]`, brk) and glibc's
 * per-thread arenas (anonymous mappings of at most 64 MiB starting on a 64 MiB boundary:
 * HEAP_MAX_SIZE on 64-bit), and file-backed pages (code, mapped models).
 */
export function processMemory(pid) {
  let text;
  try { text = readFileSync(`/proc/${pid}/smaps`, 'utf8'); } catch { return { anon: NaN, brk: NaN, arenas: NaN, file: NaN }; }
  const out = { anon: 0, brk: 0, arenas: 0, file: 0 };
  const ARENA = 64 * 1024 * 1024;
  let region;
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (head) {
      const start = BigInt(`0x${head[1]}`);
      const size = BigInt(`0x${head[2]}`) - start;
      const name = head[4].trim();
      region = { name, file: head[3] !== '0' || name.startsWith('/'), arena: name === '' && start % BigInt(ARENA) === 0n && size <= BigInt(ARENA) };
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (!rss || !region) continue;
    const bytes = Number(rss[1]) * 1024;
    if (region.file) { out.file += bytes; continue; }
    out.anon += bytes;
    if (region.name === '[heap]') out.brk += bytes;
    else if (region.arena) out.arenas += bytes;
  }
  return out;
}
