/**
 * Retry timing shared by the SDK, the agent, webhook delivery and the dev stack's relay: exponential
 * backoff with jitter, and a sleep that an abort cuts short. It imports nothing, so the agent takes it
 * (`@aideon-perf/core/backoff`) without zod or the rest of the core.
 */

export interface BackoffPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /**
   * The share of the ceiling every delay waits at least: 0 (the default) is full jitter; 0.5 jitters over
   * the upper half, for a retrier that should not hammer a peer that is restarting.
   */
  minFraction?: number;
}

/**
 * Delay before retry number `attempt` (0 for the first): uniform in [f x c, c), where
 * c = min(max, initial * 2^attempt) and f = minFraction.
 * Full jitter spreads clients that failed together, so they do not retry in lockstep.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  // 2^53 and beyond is Infinity-adjacent; the ceiling is long capped by then anyway.
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt, 52));
  const least = policy.minFraction ?? 0;
  return Math.floor(ceiling * (least + random() * (1 - least)));
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}
