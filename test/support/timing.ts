// For "finishes fast" checks on hostile input: a limit against hangs and blow-ups, not a benchmark.

/**
 * The fastest of up to three runs of `run`, in ms, stopping at the first run under `limitMs`: one run
 * slowed by a GC pause or a busy core is not a hang.
 */
export function fastestMs(run: () => void, limitMs: number): number {
  let best = Infinity;
  for (let i = 0; i < 3 && best >= limitMs; i++) {
    const started = performance.now();
    run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}
