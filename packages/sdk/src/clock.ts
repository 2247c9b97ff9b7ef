/** Time sources, injectable so tests control durations. */
export interface Clock {
  /** Monotonic milliseconds (performance.now()): durations, immune to wall-clock steps. */
  now(): number;
  /** Wall-clock epoch milliseconds: a trace's start_time. */
  epochMs(): number;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  epochMs: () => Date.now(),
};

/** How stale the monotonic-to-wall offset may get: a wall-clock step shows in start times within this. */
const REANCHOR_AFTER_MS = 1_000;

/**
 * Wall-clock time of a monotonic reading, without a Date.now() per trace (a second clock read costs
 * as much as the first): the offset between the two clocks is read again at most once a second.
 */
export class EpochAnchor {
  private offsetMs = 0;
  private anchoredAtMs = -Infinity;

  constructor(private readonly clock: Clock) {}

  toEpochMs(monotonicMs: number): number {
    if (monotonicMs - this.anchoredAtMs > REANCHOR_AFTER_MS) {
      this.anchoredAtMs = this.clock.now();
      this.offsetMs = this.clock.epochMs() - this.anchoredAtMs;
    }
    return this.offsetMs + monotonicMs;
  }
}
