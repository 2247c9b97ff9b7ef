/** Per-second rate from two readings of a monotonic counter (network bytes, CPU ticks of a process). */

export interface CounterReading {
  value: number;
  atMs: number;
}

/**
 * 0 when no time elapsed or the counter went backwards (an interface went away, a counter wrapped or
 * was reset): a wrong spike would be worse than one missed interval.
 */
export function ratePerSecond(previous: CounterReading | undefined, current: CounterReading): number {
  if (!previous) return 0;
  const seconds = (current.atMs - previous.atMs) / 1_000;
  const delta = current.value - previous.value;
  if (seconds <= 0 || delta < 0) return 0;
  return Math.round((delta / seconds) * 100) / 100;
}
