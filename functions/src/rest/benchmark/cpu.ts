/** CPU benchmark: iterations of a fixed arithmetic loop completed in the requested time. */
import { perSecond, runFor } from "./timed-loop";

/** Iterations per slice: about a millisecond or two of work between yields. */
export const CPU_SLICE_ITERATIONS = 1_000_000;

/**
 * The fixed loop: a 32-bit linear congruential step (multiply, add, truncate) per iteration. It returns
 * its state, which the caller keeps, so the loop cannot be optimised away.
 */
export function arithmeticLoop(iterations: number, state: number): number {
  let x = state >>> 0;
  for (let i = 0; i < iterations; i++) x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
  return x;
}

export async function cpuBenchmark(
  durationSeconds: number,
  now: () => number,
  sliceIterations = CPU_SLICE_ITERATIONS,
) {
  let state = 1;
  const run = await runFor(durationSeconds * 1000, now, () => {
    state = arithmeticLoop(sliceIterations, state);
    return sliceIterations;
  });
  return {
    elapsedMs: run.elapsedMs,
    result: run.units,
    details: { iterations: run.units, iterations_per_second: perSecond(run.units, run.elapsedMs) },
    /** The loop's final state: proof of work, and a check that the loop ran as many times as counted. */
    state,
  };
}
