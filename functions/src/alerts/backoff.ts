/** Exponential backoff with full jitter (AWS Architecture Blog), so that retries spread out. Pure. */

export interface BackoffOptions {
  /** Upper bound of the first delay. */
  baseMs: number;
  /** No delay exceeds this. */
  maxMs: number;
}

/** The delay before retry number `attempt` (1 = the first retry): uniform in [0, min(max, base x 2^(attempt-1))). */
export function backoffDelayMs(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
