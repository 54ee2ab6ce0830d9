// The regression suite of the fuzzers: every corpus file (the real-file seeds and each input
// that once crashed or hung a parser) and every built-in seed goes through its target again;
// each must end in a result or the project's own typed error. Runs in `pnpm test`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusFiles } from './corpus.js';
import { describeOutcome, execute, isFinding } from './harness.js';
import { TARGETS } from './targets/index.js';

// FUZZ_ONLY=<target> replays one target's corpus (with FUZZ_SERVER_LOG=1 the server logs its errors).
for (const target of TARGETS.filter((t) => !process.env.FUZZ_ONLY || t.name === process.env.FUZZ_ONLY)) {
  describe(`fuzz corpus: ${target.name}`, () => {
    beforeAll(async () => target.setup?.(), 120_000);
    afterAll(async () => target.teardown?.());

    it(`${target.about}: every corpus input ends in a result or a typed error`, async () => {
      const inputs = [...((await target.seeds?.()) ?? []).map((bytes, i) => ({ name: `seed ${i}`, bytes })), ...corpusFiles(target.name)];
      expect(inputs.length).toBeGreaterThan(0);
      const bad: string[] = [];
      for (const { name, bytes } of inputs) {
        const outcome = await execute(target, bytes);
        if (isFinding(outcome)) bad.push(`${name}: ${describeOutcome(outcome)}`);
      }
      expect(bad).toEqual([]);
    }, 120_000);
  });
}
