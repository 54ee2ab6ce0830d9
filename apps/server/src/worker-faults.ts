// Fault injection for the reliability tests: ways an inference worker thread can really die
// mid-batch. Off unless the pool was built with `faults: true` (tests only; no CLI flag).
// A native abort (process.abort, SIGSEGV in an addon) is not among them: it kills the whole
// process, HTTP thread included, so no in-process recovery is possible — the supervisor
// (systemd, Kubernetes) restarts the process, and /readyz keeps it out of rotation until ready.

/**
 * `exit`: process.exit(1) in the worker (ends the thread only); `throw`: an uncaught exception;
 * `oom`: allocate until the worker's `resourceLimits` heap cap kills it; `hang`: the batch never
 * finishes (busy, as in a kernel that does not return) until the worker is terminated from outside.
 */
export const WORKER_FAULTS = ['exit', 'throw', 'oom', 'hang'] as const;
export type WorkerFault = (typeof WORKER_FAULTS)[number];

let armed: WorkerFault | undefined;

/** Arms `fault` for the next batch the worker receives. */
export function armFault(fault: WorkerFault): void {
  if (!(WORKER_FAULTS as readonly string[]).includes(fault)) throw new Error(`armFault: unknown fault ${JSON.stringify(fault)}; expected one of ${WORKER_FAULTS.join(', ')}`);
  armed = fault;
}

/** Called when a batch arrives: if a fault is armed, the worker dies here, with the batch's images waiting. */
export function triggerArmedFault(): void {
  const fault = armed;
  armed = undefined;
  if (fault === 'exit') process.exit(1);
  if (fault === 'throw') setImmediate(() => { throw new Error('injected fault: uncaught exception in the inference worker'); });
  if (fault === 'oom') {
    const hoard: number[][] = [];
    // Never returns: V8 stops the isolate at the heap cap (ERR_WORKER_OUT_OF_MEMORY). Large
    // JS arrays (16 MiB each, on the V8 heap, unlike typed arrays) reach it in a few steps
    // instead of after minutes of garbage collection near the limit.
    for (;;) hoard.push(new Array<number>(1 << 21).fill(hoard.length + 0.5));
  }
  if (fault === 'hang') {
    // terminate() stops this loop (V8 interrupts it); the 10 minutes only bound a forgotten one
    const until = Date.now() + 600_000;
    while (Date.now() < until) { /* stuck */ }
  }
}
