// One fuzzing campaign, run by `pnpm fuzz` (fuzz/run.mjs) in its own process per target:
// FUZZ_TARGET names the target, FUZZ_SECONDS the time, FUZZ_SEED the seed. Before each
// execution the input is written to FUZZ_CURRENT, so when a parser hangs in synchronous code
// (where no timer can fire) the runner, watching that file's age, kills the process and
// keeps the input. A finding is shrunk and saved to the corpus; the result goes to FUZZ_RESULT.
import { writeFileSync } from 'node:fs';
import * as fc from 'fast-check';
import { describe, it } from 'vitest';
import { corpusFiles, saveFinding } from './corpus.js';
import { describeOutcome, execute, inputArbitrary, isFinding, type Outcome } from './harness.js';
import { TARGETS } from './targets/index.js';

const name = process.env.FUZZ_TARGET ?? '';
const seconds = Number(process.env.FUZZ_SECONDS ?? 10);
const seed = Number(process.env.FUZZ_SEED ?? 1);
const current = process.env.FUZZ_CURRENT;
const resultFile = process.env.FUZZ_RESULT;

describe(`fuzz ${name}`, () => {
  it('finds no crash or hang', async () => {
    const target = TARGETS.find((t) => t.name === name);
    if (!target) throw new Error(`FUZZ_TARGET: no target ${JSON.stringify(name)}; targets: ${TARGETS.map((t) => t.name).join(', ')}`);
    await target.setup?.();
    const seeds = [...((await target.seeds?.()) ?? []), ...corpusFiles(target.name).map((f) => f.bytes)];
    let executions = 0;
    let last: Outcome | undefined;
    const outcomes: Record<string, number> = { result: 0, 'typed-error': 0 };
    const started = performance.now();
    const property = fc.asyncProperty(inputArbitrary(seeds, target.dictionary), async (input) => {
      if (current) writeFileSync(current, input);
      executions++;
      last = await execute(target, input);
      outcomes[last.kind] = (outcomes[last.kind] ?? 0) + 1;
      return !isFinding(last);
    });
    const details = await fc.check(property, {
      seed, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false,
      // shrinking a finding gets at most a minute more
      endOnFailure: false, skipAllAfterTimeLimit: (seconds + 60) * 1000,
    });
    const elapsed = (performance.now() - started) / 1000;
    const findings: { file: string; outcome: string }[] = [];
    if (details.failed && details.counterexample) {
      const input = details.counterexample[0] as Uint8Array;
      findings.push({ file: saveFinding(target.name, input), outcome: describeOutcome(await execute(target, input)) });
    }
    await target.teardown?.();
    const summary = { target: target.name, about: target.about, seconds: elapsed, executions, perSecond: executions / elapsed, seeds: seeds.length, outcomes, findings };
    if (resultFile) writeFileSync(resultFile, JSON.stringify(summary));
    console.log(JSON.stringify(summary, null, 1));
    if (findings.length) throw new Error(`${target.name}: ${findings[0].outcome}\ninput saved to ${findings[0].file}`);
  }, (seconds + 600) * 1000);
});
