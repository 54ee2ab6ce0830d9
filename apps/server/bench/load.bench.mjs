#!/usr/bin/env node
// `pnpm bench load` (via bench/server-load.bench.mjs): the real g2rl-serve under wrk at
// concurrency 64 for 60 s with a mix of good photos, bad inputs and oversized images
// (request-mix.mjs), while a sampler probes /healthz on a fresh connection every 50 ms.
// Passes when every response is 200, 4xx or 503 with Retry-After (no 5xx otherwise, no socket
// error or timeout: nothing hangs) and /healthz p99 < 50 ms. Reports throughput and latency.
// Env: LOAD_SECONDS (60), LOAD_CONNECTIONS (64), LOAD_SERVE_ARGS (extra g2rl-serve flags).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { modelFolder, parseWrk, quantile, startServe, stopServe } from './bench-support.mjs';
import { parseMix, writeRequestMix } from './request-mix.mjs';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 64);
const HEALTH_P99_MS = 50;
const PROBE_EVERY_MS = 50;

/** GET /healthz on a new connection (as a load balancer's probe): ms, or the error. */
function probe(url) {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const request = get(`${url}/healthz`, { agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - t0, status: res.statusCode }));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', (error) => resolve({ ms: performance.now() - t0, status: 0, error: error.message }));
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'g2rl-load-'));
const model = await modelFolder();
const { script, bodies } = await writeRequestMix(scratch);
const serve = await startServe(['--model', model.dir, ...(process.env.LOAD_SERVE_ARGS?.split(' ').filter(Boolean) ?? [])]);
console.log(`load.bench: ${serve.url}, model ${model.what}, ${CONNECTIONS} connections for ${SECONDS} s (wrk, 1 thread), ${availableParallelism()} cores, load ${loadavg()[0].toFixed(1)} before`);
console.log(`mix (weight: body, bytes): ${bodies.map((b) => `${b.weight}: ${b.name}${b.query} ${b.size}`).join('; ')}`);

const samples = [];
let probing = true;
const sampler = (async () => {
  while (probing) {
    const started = performance.now();
    samples.push(await probe(serve.url));
    await new Promise((r) => setTimeout(r, Math.max(0, PROBE_EVERY_MS - (performance.now() - started))));
  }
})();
const { stdout } = await promisify(execFile)('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--timeout', '40s', '--latency', '-s', script, `${serve.url}/v1/analyze`], { maxBuffer: 1 << 20 });
probing = false;
await sampler;
const loadAfter = loadavg()[0].toFixed(1);
const exit = await stopServe(serve);
if (model.temporary) rmSync(model.dir, { recursive: true, force: true });
rmSync(scratch, { recursive: true, force: true });

const wrk = parseWrk(stdout, SECONDS);
const mix = parseMix(stdout);
const statuses = Object.entries(mix.counts).sort(([a], [b]) => Number(a) - Number(b));
const bad = statuses.filter(([s]) => !(s === '200' || (Number(s) >= 400 && Number(s) < 500) || s === '503'));
const health = samples.filter((s) => s.status === 200).map((s) => s.ms);
const healthFailed = samples.length - health.length;
const h = { p50: quantile(health, 0.5), p99: quantile(health, 0.99), max: Math.max(...health) };

console.log(stdout.replace(/^MIX .*$/m, '').trim());
console.log(`\nstatuses: ${statuses.map(([s, n]) => `${s}: ${n}`).join(', ')}; 503 without Retry-After: ${mix.missingRetryAfter}; socket errors/timeouts: ${wrk.errors}`);
console.log(`throughput ${wrk.rps.toFixed(1)} responses/s (${(mix.counts['200'] ?? 0) / SECONDS > 0 ? ((mix.counts['200'] ?? 0) / SECONDS).toFixed(1) : 0} analyses/s); latency p50 ${wrk.p50.toFixed(0)} ms, p75 ${wrk.p75.toFixed(0)}, p90 ${wrk.p90.toFixed(0)}, p99 ${wrk.p99.toFixed(0)} ms`);
console.log(`/healthz: ${samples.length} probes, ${healthFailed} failed; p50 ${h.p50.toFixed(1)} ms, p99 ${h.p99.toFixed(1)} ms, max ${h.max.toFixed(1)} ms (bound p99 < ${HEALTH_P99_MS} ms)`);
console.log(`g2rl-serve exit code after SIGTERM: ${exit}; load ${loadAfter} after`);

const failures = [];
if (bad.length) failures.push(`statuses outside 200/4xx/503: ${bad.map(([s, n]) => `${s}×${n}`).join(', ')}`);
if (mix.missingRetryAfter > 0) failures.push(`${mix.missingRetryAfter} 503s without Retry-After`);
if (wrk.errors > 0) failures.push(`${wrk.errors} socket errors or timeouts`);
if (healthFailed > 0) failures.push(`${healthFailed} /healthz probes failed`);
if (!(h.p99 < HEALTH_P99_MS)) failures.push(`/healthz p99 ${h.p99.toFixed(1)} ms ≥ ${HEALTH_P99_MS} ms`);
if (exit !== 0) failures.push(`g2rl-serve exited with ${exit} after SIGTERM`);
console.log(failures.length ? `FAIL: ${failures.join('; ')}` : 'PASS');
process.exit(failures.length ? 1 : 0);
