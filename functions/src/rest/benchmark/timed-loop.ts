/**
 * The timing shell every benchmark shares, pure apart from the clock and the pause it is given: runs
 * short slices of work until the duration has passed, yielding to the event loop between slices so a
 * benchmark never blocks the instance's other requests for more than one slice.
 */
export interface TimedRun {
  /** Milliseconds from the first slice's start to the last one's end (at least the duration). */
  elapsedMs: number;
  /** Sum of what the slices reported (iterations, bytes, round trips). */
  units: number;
  slices: number;
}

export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** At least one slice; stops at the first slice that ends at or after durationMs. */
export async function runFor(
  durationMs: number,
  now: () => number,
  slice: () => number | Promise<number>,
  pause: () => Promise<void> = yieldToEventLoop,
): Promise<TimedRun> {
  const start = now();
  let units = 0;
  let slices = 0;
  for (;;) {
    units += await slice();
    slices += 1;
    const elapsedMs = now() - start;
    if (elapsedMs >= durationMs) return { elapsedMs, units, slices };
    await pause();
  }
}

/** Units per second, 0 for a zero-length run. */
export function perSecond(units: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (units * 1000) / elapsedMs : 0;
}
