#!/usr/bin/env node
// `pnpm fuzz [--seconds N] [--target NAME[,NAME…]] [--seed S] [--hang-seconds H]`: runs each fuzz
// target for N seconds (default 30) in its own vitest process (fuzz/campaign.fuzz.ts) and
// prints executions and time per target. A target whose process stops answering for H
// seconds (default 20: a synchronous hang no timer inside can catch) is killed and its last
// input saved to fuzz/corpus/<target>/ as a finding. Exits 1 if anything was found.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const TARGETS = ['mat-v5', 'manifest-jsonl', 'manifest-csv', 'disfa-labels', 'bp4d-labels', 'bp4d-landmarks', 'sniff-image', 'sniff-media', 'model-card', 'multipart'];
const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '30' }, target: { type: 'string' }, seed: { type: 'string', default: '1' }, 'hang-seconds': { type: 'string', default: '20' } },
});
const seconds = Number(values.seconds);
const hangSeconds = Number(values['hang-seconds']);
if (!(seconds > 0) || !(hangSeconds > 0)) throw new Error('--seconds and --hang-seconds must be positive numbers');
const chosen = values.target ? values.target.split(',') : TARGETS;
const unknown = chosen.filter((t) => !TARGETS.includes(t));
if (unknown.length) throw new Error(`--target: no target ${unknown.join(', ')}; targets: ${TARGETS.join(', ')}`);

// The current input is written before every execution: in memory (/dev/shm) that costs
// microseconds, on a busy disk milliseconds.
const work = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'g2rl-fuzz-run-'));
const vitest = join(here, '..', 'node_modules', 'vitest', 'vitest.mjs');

function runTarget(target) {
  const current = join(work, `${target}.current`);
  const result = join(work, `${target}.json`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--max-old-space-size=2048', '--expose-gc', vitest, 'run', '--config', join(here, 'vitest.config.mts'), '--reporter=dot'], {
      env: { ...process.env, FUZZ_TARGET: target, FUZZ_SECONDS: String(seconds), FUZZ_SEED: values.seed, FUZZ_CURRENT: current, FUZZ_RESULT: result },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    let hung = false;
    const watchdog = setInterval(() => {
      if (!existsSync(current)) return;
      const age = (Date.now() - statSync(current).mtimeMs) / 1000;
      if (age > hangSeconds && !existsSync(result)) {
        hung = true;
        child.kill('SIGKILL');
      }
    }, 1000);
    child.on('close', (code, signal) => {
      clearInterval(watchdog);
      let summary;
      if (existsSync(result)) summary = JSON.parse(readFileSync(result, 'utf8'));
      else {
        // Killed by the watchdog or died (out of memory, a native abort): the last input is the finding.
        const findings = [];
        if (existsSync(current)) {
          const bytes = readFileSync(current);
          const file = join(here, 'corpus', target, `finding-${createHash('sha1').update(bytes).digest('hex').slice(0, 12)}`);
          writeFileSync(file, bytes);
          findings.push({ file, outcome: hung ? `hang (no answer in ${hangSeconds} s, killed)` : `process died (code ${code}, signal ${signal})` });
        }
        summary = { target, seconds: NaN, executions: NaN, perSecond: NaN, findings, log: log.slice(-3000) };
      }
      if (summary.findings.length && summary.log === undefined) summary.log = log.slice(-3000);
      resolve(summary);
    });
  });
}

const summaries = [];
for (const target of chosen) {
  process.stdout.write(`${target} … `);
  const s = await runTarget(target);
  summaries.push(s);
  console.log(s.findings.length ? `FINDING: ${s.findings[0].outcome.split('\n')[0]} → ${s.findings[0].file}` : `${s.executions} executions in ${s.seconds.toFixed(1)} s`);
}
rmSync(work, { recursive: true, force: true });

console.log(`\nfuzz: ${seconds} s per target, seed ${values.seed}`);
console.log('| target | fuzzed | executions | time (s) | exec/s | results | typed errors | findings |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');
for (const s of summaries) {
  console.log(`| ${s.target} | ${s.about ?? ''} | ${s.executions} | ${s.seconds?.toFixed?.(1)} | ${Math.round(s.perSecond)} | ${s.outcomes?.result ?? ''} | ${s.outcomes?.['typed-error'] ?? ''} | ${s.findings.length} |`);
}
const found = summaries.filter((s) => s.findings.length);
for (const s of found) console.log(`\n${s.target}: ${s.findings.map((f) => `${f.outcome}\n  input: ${f.file}`).join('\n')}\n${s.log ?? ''}`);
process.exit(found.length ? 1 : 0);
